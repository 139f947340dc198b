import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestCreated } from '../../../contracts/aws/s3-object-created';
import { instanceLaunched, instanceReady } from '../../../contracts/catalog';
import type { EventEnvelope } from '../../../contracts/kit/contract';
import { defineService } from '../../../services/kit/define-service';
import { once } from '../../../services/kit/once';
import { instanceReadyDetail, manifestKey, OWNER, SESSION_ID } from '../../factories/events';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';

/** What the test services saw, by service. */
const seen = {
  relay: [] as string[],
  recorder: [] as string[],
  picky: [] as string[],
  careful: [] as string[],
  ticker: [] as { scheduled: string; clock: string }[],
};

/** Turns a manifest upload into `Instance Launched`, as the launcher will. */
const relay = defineService({
  name: 'relay',
  description: 'test: manifest → Instance Launched',
  consumes: [manifestCreated],
  emits: [instanceLaunched],
  capabilities: {},
  idempotent: false,
  async handle(event, { publish }) {
    if (event.name !== 'Manifest Created') return;
    seen.relay.push(event.detail.object.key);
    await publish(instanceLaunched, {
      owner: OWNER,
      sessionId: SESSION_ID,
      instanceId: 'i-0abc12345def67890',
      instanceType: 'p3.2xlarge',
      availabilityZone: 'local-1a',
      dataset: { prefix: `users/${OWNER}/datasets/data/`, files: 1, bytes: 2 },
      launchedAt: '2026-11-30T01:00:00Z',
    });
  },
});

const recorder = defineService({
  name: 'recorder',
  description: 'test: records Instance Launched',
  consumes: [instanceLaunched],
  emits: [],
  capabilities: {},
  idempotent: false,
  async handle(event) {
    if (event.name === 'Instance Launched v1') seen.recorder.push(event.detail.instanceId);
  },
});

/** Fails on every `poison` event, to show a batch's other records still succeed. */
const picky = defineService({
  name: 'picky',
  description: 'test: rejects poison',
  consumes: [instanceReady],
  emits: [],
  capabilities: {},
  maxReceiveCount: 2,
  idempotent: false,
  async handle(event) {
    if (event.name !== 'Instance Ready v1') return;
    seen.picky.push(event.detail.address);
    if (event.detail.address === 'poison') throw new Error('poison on purpose');
  },
});

/** Claims each event before acting, so a redelivery does nothing twice. */
const careful = defineService({
  name: 'careful',
  description: 'test: idempotent',
  consumes: [instanceReady],
  emits: [],
  capabilities: { objects: { write: ['kismo/claims/*'] } },
  idempotent: true,
  async handle(event, { ports }) {
    if (event.name !== 'Instance Ready v1') return;
    await once(ports.objects, `careful/${event.envelope.id}`, async () => {
      seen.careful.push(event.detail.address);
    });
  },
});

/** Runs every hour on the cloud's clock. */
const ticker = defineService({
  name: 'ticker',
  description: 'test: hourly',
  consumes: [],
  emits: [],
  schedule: { expression: 'rate(1 hour)' },
  capabilities: {},
  idempotent: true,
  async handle(event, { ports }) {
    if (event.name === 'Scheduled Event') {
      seen.ticker.push({ scheduled: event.detail.scheduledTime, clock: ports.clock.now().toISOString() });
    }
  },
});

describe('the local cloud', () => {
  let test: TestCloud;
  const events: EventEnvelope[] = [];

  beforeAll(async () => {
    test = await startTestCloud({ services: [relay, recorder, picky, careful, ticker] });
    test.cloud.tap((e) => events.push(e));
  });
  afterAll(async () => test.stop());

  it('binds loopback only and answers on one endpoint', () => {
    expect(test.cloud.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('carries an upload through S3 → bus → a service → bus → a second service', async () => {
    // Prepare
    const s3 = test.cloud.s3();

    // Act
    await s3.send(new PutObjectCommand({ Bucket: test.cloud.bucket, Key: manifestKey(), Body: '{}' }));
    await test.cloud.settle();

    // Assess
    expect(seen.relay).toEqual([manifestKey()]);
    expect(seen.recorder).toEqual(['i-0abc12345def67890']);
    const created = events.find((e) => e['detail-type'] === 'Object Created');
    expect(created).toMatchObject({
      source: 'aws.s3',
      resources: [`arn:aws:s3:::${test.cloud.bucket}`],
      detail: {
        bucket: { name: test.cloud.bucket },
        object: { key: manifestKey(), size: 2 },
        reason: 'PutObject',
      },
    });
  });

  it('reports each write with the size and ETag S3 stored, whether put, copied or assembled from parts', async () => {
    // Prepare
    const s3 = test.cloud.s3();
    const Bucket = test.cloud.bucket;
    const body = 'x'.repeat(5 * 1024 * 1024 + 3);

    // Act
    await s3.send(new PutObjectCommand({ Bucket, Key: 'writes/put.txt', Body: 'hello' }));
    await s3.send(
      new CopyObjectCommand({ Bucket, Key: 'writes/copy.txt', CopySource: `${Bucket}/writes/put.txt` }),
    );
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'writes/parts.bin' }));
    const parts = await Promise.all(
      [body.slice(0, 5 * 1024 * 1024), body.slice(5 * 1024 * 1024)].map(async (chunk, i) => {
        const part = await s3.send(
          new UploadPartCommand({
            Bucket,
            Key: 'writes/parts.bin',
            UploadId,
            PartNumber: i + 1,
            Body: chunk,
          }),
        );
        return { PartNumber: i + 1, ETag: part.ETag };
      }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: 'writes/parts.bin',
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    await test.cloud.settle();

    // Assess
    const reported = (key: string) =>
      events.find(
        (e) =>
          e['detail-type'] === 'Object Created' &&
          (e.detail as { object: { key: string } }).object.key === key,
      )?.detail as { object: { size: number; etag: string }; reason: string } | undefined;
    for (const [key, size, reason] of [
      ['writes/put.txt', 5, 'PutObject'],
      ['writes/copy.txt', 5, 'CopyObject'],
      ['writes/parts.bin', body.length, 'CompleteMultipartUpload'],
    ] as const) {
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key: key }));
      expect(reported(key), key).toMatchObject({
        object: { size, etag: head.ETag?.replace(/"/g, '') },
        reason,
      });
    }
  });

  it('sends a poison message to the dead-letter queue after its receive count; its neighbours succeed', async () => {
    // Prepare
    const bus = new EventBridgeClient({
      endpoint: test.cloud.endpoint,
      region: test.cloud.region,
      credentials: test.cloud.credentials,
    });
    const entry = (address: string) => ({
      EventBusName: 'kismo',
      Source: 'kismo',
      DetailType: 'Instance Ready',
      Detail: JSON.stringify({ ...instanceReadyDetail({ address }), version: 1 }),
    });

    // Act
    const result = await bus.send(
      new PutEventsCommand({ Entries: [entry('good-1'), entry('poison'), entry('good-2')] }),
    );
    await test.cloud.settle();

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(seen.picky.filter((a) => a === 'good-1')).toHaveLength(1);
    expect(seen.picky.filter((a) => a === 'good-2')).toHaveLength(1);
    expect(seen.picky.filter((a) => a === 'poison')).toHaveLength(2);
    const dead = await test.cloud.deadLetters('picky');
    expect(dead.map((e) => (e.detail as { address: string }).address)).toEqual(['poison']);
    expect(await test.cloud.deadLetters('careful')).toEqual([]);
  });

  it('handles a redelivered message once when the service is idempotent', async () => {
    // Prepare: the same event twice on the queue, as SQS's at-least-once delivery may do.
    const queue = test.cloud.queues.get('careful');
    const duplicate = test.cloud.bus.envelope('kismo', 'Instance Ready', {
      ...instanceReadyDetail({ address: 'twice' }),
      version: 1,
    });
    const before = seen.careful.length;

    // Act
    await test.cloud.sendToQueue('careful', duplicate);
    await test.cloud.sendToQueue('careful', duplicate);
    await test.cloud.settle();

    // Assess
    expect(queue).toBeDefined();
    expect(seen.careful.slice(before)).toEqual(['twice']);
  });

  it('enforces conditional writes that fauxqs alone would ignore', async () => {
    // Prepare
    const s3 = test.cloud.s3();
    const key = 'kismo/test/conditional.json';
    const first = await s3.send(
      new PutObjectCommand({ Bucket: test.cloud.bucket, Key: key, Body: 'a', IfNoneMatch: '*' }),
    );

    // Act
    const again = s3.send(
      new PutObjectCommand({ Bucket: test.cloud.bucket, Key: key, Body: 'b', IfNoneMatch: '*' }),
    );
    const stale = s3.send(
      new PutObjectCommand({ Bucket: test.cloud.bucket, Key: key, Body: 'c', IfMatch: '"stale"' }),
    );
    await expect(again).rejects.toMatchObject({ name: 'PreconditionFailed' });
    await expect(stale).rejects.toMatchObject({ name: 'PreconditionFailed' });
    await s3.send(
      new PutObjectCommand({ Bucket: test.cloud.bucket, Key: key, Body: 'd', IfMatch: first.ETag }),
    );

    // Assess
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: test.cloud.bucket, Key: key }))
    ).Body?.transformToString();
    expect(body).toBe('d');
  });

  it('refuses PutEvents entries the real bus refuses, alone', async () => {
    // Prepare
    const bus = new EventBridgeClient({
      endpoint: test.cloud.endpoint,
      region: test.cloud.region,
      credentials: test.cloud.credentials,
    });

    // Act
    const result = await bus.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'aws.s3', DetailType: 'Object Created', Detail: '{}' },
          { Source: 'kismo', DetailType: 'Instance Ready', Detail: 'not json' },
          { Source: 'kismo', DetailType: 'Test', Detail: '{}' },
        ],
      }),
    );

    // Assess
    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'NotAuthorizedForSourceException',
      'MalformedDetail',
      'ok',
    ]);
  });

  it('runs schedules as the clock moves, one occurrence at a time, on the moved clock', async () => {
    // Prepare
    const start = test.cloud.clock.now().getTime();

    // Act
    await test.cloud.advance(3 * 3600_000 + 60_000);

    // Assess
    expect(seen.ticker).toHaveLength(3);
    for (const [i, tick] of seen.ticker.entries()) {
      expect(Date.parse(tick.scheduled)).toBe(start + (i + 1) * 3600_000);
      expect(tick.clock).toBe(tick.scheduled);
    }
    expect(test.cloud.clock.now().getTime()).toBe(start + 3 * 3600_000 + 60_000);
  });

  it('reports simulated instances changing state as EC2 does, on the bus', async () => {
    // Prepare
    const changes: { id: unknown; state: unknown }[] = [];
    const untap = test.cloud.tap((e) => {
      if (e.source !== 'aws.ec2') return;
      const detail = e.detail as Record<string, unknown>;
      changes.push({ id: detail['instance-id'], state: detail.state });
    });

    // Act
    const instance = await test.cloud.ec2.launch({
      clientToken: 'token-1',
      instanceType: 'g5.xlarge',
      userData: '#!/bin/bash\ntrue',
      tags: { 'kismo:managed': 'true' },
    });
    await test.cloud.settle();
    await test.cloud.ec2.stop([instance.instanceId]);
    await test.cloud.settle();
    untap();

    // Assess
    expect(changes).toEqual(
      ['pending', 'running', 'stopping', 'stopped'].map((state) => ({ id: instance.instanceId, state })),
    );
  });

  it('turns every one of many concurrent writes into its S3 event', async () => {
    // Prepare
    const s3 = test.cloud.s3();
    const keys = Array.from({ length: 400 }, (_, i) => `users/ada/datasets/many/file-${i}.txt`);
    const seenKeys = new Set<string>();
    const untap = test.cloud.tap((e) => {
      if (e['detail-type'] === 'Object Created')
        seenKeys.add((e.detail as { object: { key: string } }).object.key);
    });

    // Act: 32 writes in flight at a time, as a push does.
    const queue = [...keys];
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let key = queue.shift(); key; key = queue.shift()) {
          await s3.send(new PutObjectCommand({ Bucket: test.cloud.bucket, Key: key, Body: key }));
        }
      }),
    );
    await test.cloud.settle();
    untap();
    s3.destroy();

    // Assess
    expect(keys.filter((k) => !seenKeys.has(k))).toEqual([]);
  });
});
