// The local cloud's simulated bootstrap, behind the real launcher: manifest → instance → dataset
// in the sandbox → markers written through S3, whose Object Created events reach the bus.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../../contracts/kit/contract';
import type { SessionManifest } from '../../../../contracts/manifest';
import { sessionKey } from '../../../../contracts/manifest';
import { failedMarkerSchema, finishedMarkerSchema, readyMarkerSchema } from '../../../../contracts/markers';
import { simulatedBootstrap } from '../../../../infra/local/ec2/simulated-bootstrap';
import type { Instance } from '../../../../services/kit/ports';
import { TAGS } from '../../../../services/kit/ports';
import launcher from '../../../../services/launcher/service';
import { describeFiles, SAMPLE_FILES, sessionManifest } from '../../../factories/manifest';
import { startTestCloud, type TestCloud } from '../../../support/local-cloud';

let test: TestCloud;
let s3: S3Client;
const events: EventEnvelope[] = [];

async function push(manifest: SessionManifest, files: Readonly<Record<string, Uint8Array>> = SAMPLE_FILES) {
  for (const [name, body] of Object.entries(files)) {
    await s3.send(
      new PutObjectCommand({
        Bucket: test.cloud.bucket,
        Key: `${manifest.dataset.prefix}${name}`,
        Body: body,
      }),
    );
  }
  const key = sessionKey(manifest.owner, manifest.sessionId, 'manifest.json');
  await s3.send(
    new PutObjectCommand({ Bucket: test.cloud.bucket, Key: key, Body: JSON.stringify(manifest) }),
  );
  await test.cloud.settle();
}

async function readJson(key: string): Promise<unknown> {
  const object = await s3.send(new GetObjectCommand({ Bucket: test.cloud.bucket, Key: key }));
  return JSON.parse((await object.Body?.transformToString()) ?? '');
}

async function instanceOf(sessionId: string): Promise<Instance> {
  for await (const instance of test.cloud.ec2.describe({ tags: { [TAGS.session]: sessionId } }))
    return instance;
  throw new Error(`no instance for ${sessionId}`);
}

function published(detailType: string, sessionId: string): unknown[] {
  return events
    .filter(
      (e) => e['detail-type'] === detailType && (e.detail as { sessionId?: string }).sessionId === sessionId,
    )
    .map((e) => e.detail);
}

function markerEvents(key: string): EventEnvelope[] {
  return events.filter(
    (e) =>
      e['detail-type'] === 'Object Created' && (e.detail as { object: { key: string } }).object.key === key,
  );
}

beforeAll(async () => {
  test = await startTestCloud({
    services: [launcher],
    onBoot: simulatedBootstrap(),
    users: ['ada', 'bob', 'carol'],
  });
  s3 = test.cloud.s3();
  test.cloud.tap((e) => events.push(e));
});

afterAll(async () => {
  s3.destroy();
  await test.stop();
});

describe('simulated bootstrap', () => {
  it('puts the dataset in the sandbox byte for byte and writes ready.json through S3', async () => {
    // Prepare
    const manifest = sessionManifest({ owner: 'ada', sessionId: '20261130-020000-ready1' });

    // Act
    await push(manifest);

    // Assess
    const instance = await instanceOf(manifest.sessionId);
    const dataPath = path.join(test.cloud.ec2.sandbox(instance.instanceId) ?? '', 'data', 'sample');
    for (const [name, body] of Object.entries(SAMPLE_FILES)) {
      expect(readFileSync(path.join(dataPath, name))).toEqual(Buffer.from(body));
    }
    const key = sessionKey('ada', manifest.sessionId, 'ready.json');
    const ready = readyMarkerSchema.parse(await readJson(key));
    const { files, bytes } = describeFiles(SAMPLE_FILES);
    expect(ready).toMatchObject({ instanceId: instance.instanceId, files, bytes, dataPath });
    expect(markerEvents(key)).toHaveLength(1);
    expect(await test.cloud.ec2.consoleOutput(instance.instanceId)).toContain(
      'kismo: dataset ready: 3 files',
    );
  });

  it('writes failed.json with the reason and the log tail when the dataset does not match the manifest', async () => {
    // Prepare: the manifest promises three files, one never arrived. The launcher refuses such a
    // session, so the instance is launched here directly, as one whose dataset changed during boot.
    const manifest = sessionManifest({ owner: 'bob', sessionId: '20261130-020000-fail01' });
    const { 'labels/train.csv': _, ...partial } = SAMPLE_FILES;
    await push(manifest, partial);

    // Act
    const instance = await test.cloud.ec2.launch({
      clientToken: manifest.sessionId,
      instanceType: 'p3.2xlarge',
      userData: '#!/bin/bash\n',
      tags: { [TAGS.managed]: 'true', [TAGS.owner]: 'bob', [TAGS.session]: manifest.sessionId },
      // As the launcher does: the owner's role is all the instance's credentials can do.
      instanceProfile: 'kismo-owner-bob',
    });
    await test.cloud.settle();

    // Assess
    const key = sessionKey('bob', manifest.sessionId, 'failed.json');
    const failed = failedMarkerSchema.parse(await readJson(key));
    expect(failed.instanceId).toBe(instance.instanceId);
    expect(failed.reason).toMatch(
      /^dataset check: 3 files \(2078 bytes\) expected, 2 files \(2057 bytes\) found in /,
    );
    expect(failed.logTail).toContain('downloading s3://');
    expect(markerEvents(key)).toHaveLength(1);
    expect(published('Launch Failed', manifest.sessionId)).toMatchObject([
      { reason: { code: 'dataset-missing' } },
    ]);
  });

  it('runs the command in the data folder, uploads the outputs, writes finished.json and terminates', async () => {
    // Prepare
    const manifest = sessionManifest({
      owner: 'carol',
      sessionId: '20261130-020000-run001',
      options: {
        run: 'mkdir -p out && cat labels/train.csv | wc -l > out/lines.txt',
        outputs: 'out',
        afterRun: 'terminate',
      },
    });

    // Act
    await push(manifest);

    // Assess
    const instance = await instanceOf(manifest.sessionId);
    expect(instance.state).toBe('terminated');
    const outputs = await s3.send(
      new GetObjectCommand({
        Bucket: test.cloud.bucket,
        Key: sessionKey('carol', manifest.sessionId, 'outputs/lines.txt'),
      }),
    );
    expect((await outputs.Body?.transformToString())?.trim()).toBe('3');
    const finished = finishedMarkerSchema.parse(
      await readJson(sessionKey('carol', manifest.sessionId, 'finished.json')),
    );
    expect(finished).toMatchObject({
      instanceId: instance.instanceId,
      exitCode: 0,
      outputsUploaded: true,
      afterRun: 'terminate',
    });
  });

  it('honours --then terminate when the run made no outputs folder, and says there are none', async () => {
    // Prepare
    const manifest = sessionManifest({
      owner: 'carol',
      sessionId: '20261130-020000-run002',
      options: { run: 'echo hi', afterRun: 'terminate' },
    });

    // Act
    await push(manifest);

    // Assess
    const instance = await instanceOf(manifest.sessionId);
    expect(instance.state).toBe('terminated');
    const finished = finishedMarkerSchema.parse(
      await readJson(sessionKey('carol', manifest.sessionId, 'finished.json')),
    );
    expect(finished).toMatchObject({ exitCode: 0, outputsUploaded: null, outputsPrefix: null });
  });
});
