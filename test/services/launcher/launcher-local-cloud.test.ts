// The launcher in the local cloud: S3 → bus → queue → the same handler as in Lambda → simulated EC2.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../contracts/kit/contract';
import type { SessionManifest } from '../../../contracts/manifest';
import type { Instance } from '../../../services/kit/ports';
import { TAGS } from '../../../services/kit/ports';
import launcher from '../../../services/launcher/service';
import { SAMPLE_FILES, sessionManifest } from '../../factories/manifest';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';

let test: TestCloud;
let s3: S3Client;
const events: EventEnvelope[] = [];

async function push(manifest: SessionManifest, body: string = JSON.stringify(manifest)): Promise<string> {
  for (const [name, file] of Object.entries(SAMPLE_FILES)) {
    await s3.send(
      new PutObjectCommand({
        Bucket: test.cloud.bucket,
        Key: `${manifest.dataset.prefix}${name}`,
        Body: file,
      }),
    );
  }
  const key = `users/${manifest.owner}/sessions/${manifest.sessionId}/manifest.json`;
  await s3.send(new PutObjectCommand({ Bucket: test.cloud.bucket, Key: key, Body: body }));
  await test.cloud.settle();
  return key;
}

async function instancesOf(sessionId: string): Promise<Instance[]> {
  const found: Instance[] = [];
  for await (const instance of test.cloud.ec2.describe({ tags: { [TAGS.session]: sessionId } }))
    found.push(instance);
  return found;
}

function published(detailType: string, sessionId: string): Record<string, unknown>[] {
  return events
    .filter(
      (e) => e['detail-type'] === detailType && (e.detail as { sessionId?: string }).sessionId === sessionId,
    )
    .map((e) => e.detail as Record<string, unknown>);
}

beforeAll(async () => {
  test = await startTestCloud({
    services: [launcher],
    config: { quotaPerOwner: 2 },
    users: ['ada', 'bob', 'carol'],
  });
  s3 = test.cloud.s3();
  test.cloud.tap((e) => events.push(e));
});

afterAll(async () => {
  s3.destroy();
  await test.stop();
});

describe('launcher in the local cloud', () => {
  it('launches one instance and announces it once when the manifest event is delivered five times', async () => {
    // Prepare
    const manifest = sessionManifest({ owner: 'ada', sessionId: '20261130-010000-once01' });
    const key = await push(manifest);
    const created = events.find((e) => (e.detail as { object?: { key?: string } }).object?.key === key);

    // Act
    for (let i = 0; i < 5; i++) await test.cloud.sendToQueue('launcher', created as EventEnvelope);
    await test.cloud.settle();

    // Assess
    const instances = await instancesOf(manifest.sessionId);
    expect(instances.map((i) => i.state)).toEqual(['running']);
    expect(published('Instance Launched', manifest.sessionId)).toMatchObject([
      { owner: 'ada', instanceId: instances[0]?.instanceId, instanceType: 'p3.2xlarge' },
    ]);
    expect(await test.cloud.deadLetters('launcher')).toEqual([]);
  });

  it.each([
    [
      'a manifest naming another owner',
      'owner-mismatch',
      (m: SessionManifest) => JSON.stringify({ ...m, owner: 'mallory' }),
    ],
    [
      'a disallowed type',
      'instance-type-not-allowed',
      (m: SessionManifest) => JSON.stringify({ ...m, instanceType: 'p5.48xlarge' }),
    ],
    ['an unreadable manifest', 'invalid-manifest', () => 'not json at all'],
  ])('answers %s with Launch Failed %s and launches nothing', async (_, code, body) => {
    // Prepare
    const manifest = sessionManifest({
      owner: 'bob',
      sessionId: `20261130-010000-${code.slice(0, 6).replace('-', 'x')}`,
    });

    // Act
    await push(manifest, body(manifest));

    // Assess
    expect(await instancesOf(manifest.sessionId)).toEqual([]);
    expect(published('Instance Launched', manifest.sessionId)).toEqual([]);
    expect(published('Launch Failed', manifest.sessionId)).toMatchObject([
      { owner: 'bob', reason: { code } },
    ]);
  });

  it('refuses a third running instance of the same owner with quota-exceeded', async () => {
    // Prepare
    await push(sessionManifest({ owner: 'carol', sessionId: '20261130-010000-quot01' }));
    await push(sessionManifest({ owner: 'carol', sessionId: '20261130-010000-quot02' }));

    // Act
    await push(sessionManifest({ owner: 'carol', sessionId: '20261130-010000-quot03' }));

    // Assess
    expect(await instancesOf('20261130-010000-quot03')).toEqual([]);
    expect(published('Launch Failed', '20261130-010000-quot03')).toMatchObject([
      { owner: 'carol', reason: { code: 'quota-exceeded' }, retryable: true },
    ]);
    expect(published('Instance Launched', '20261130-010000-quot02')).toHaveLength(1);
  });
});

describe('launcher in a local cloud whose first subnet has no capacity', () => {
  let full: TestCloud;

  beforeAll(async () => {
    full = await startTestCloud({
      services: [launcher],
      config: { subnets: ['subnet-full', 'subnet-free'] },
      insufficientCapacity: (_type, subnetId) => subnetId === 'subnet-full',
      users: ['dana'],
    });
  });
  afterAll(async () => full.stop());

  it('launches in the next subnet', async () => {
    // Prepare
    const manifest = sessionManifest({ owner: 'dana', sessionId: '20261130-010000-capac1' });
    const client = full.cloud.s3();
    for (const [name, file] of Object.entries(SAMPLE_FILES)) {
      await client.send(
        new PutObjectCommand({
          Bucket: full.cloud.bucket,
          Key: `${manifest.dataset.prefix}${name}`,
          Body: file,
        }),
      );
    }
    const launched: EventEnvelope[] = [];
    full.cloud.tap((e) => {
      if (e['detail-type'] === 'Instance Launched') launched.push(e);
    });

    // Act
    await client.send(
      new PutObjectCommand({
        Bucket: full.cloud.bucket,
        Key: `users/dana/sessions/${manifest.sessionId}/manifest.json`,
        Body: JSON.stringify(manifest),
      }),
    );
    await full.cloud.settle();
    client.destroy();

    // Assess
    const instances: Instance[] = [];
    for await (const i of full.cloud.ec2.describe({ tags: { [TAGS.session]: manifest.sessionId } }))
      instances.push(i);
    expect(instances.map((i) => i.subnetId)).toEqual(['subnet-free']);
    expect(launched.map((e) => (e.detail as { subnetId?: string }).subnetId)).toEqual(['subnet-free']);
  });
});
