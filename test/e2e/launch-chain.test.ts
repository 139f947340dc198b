// The launch chain as one: launcher → simulated boot → readiness-watcher → notifier and journal,
// through the local cloud's real queues, with the manifest event delivered five times.
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../contracts/kit/contract';
import { simulatedBootstrap } from '../../infra/local/ec2/simulated-bootstrap';
import type { Instance } from '../../services/kit/ports';
import { TAGS } from '../../services/kit/ports';
import launcher from '../../services/launcher/service';
import notifier from '../../services/notifier/service';
import readinessWatcher from '../../services/readiness-watcher/service';
import journal from '../../services/session-journal/service';
import { SAMPLE_FILES, sessionManifest } from '../factories/manifest';
import { startTestCloud, type TestCloud } from '../support/local-cloud';

describe('the launch chain', () => {
  let test: TestCloud;
  const events: EventEnvelope[] = [];

  beforeAll(async () => {
    test = await startTestCloud({
      services: [launcher, readinessWatcher, notifier, journal],
      onBoot: simulatedBootstrap(),
      config: { slack: { users: { ada: 'U0ADA' } } },
    });
    test.cloud.tap((e) => events.push(e));
  });
  afterAll(async () => test.stop());

  it('makes one instance and one "ready" message when the manifest event arrives five times', async () => {
    // Prepare
    const manifest = sessionManifest({ owner: 'ada', sessionId: '20261130-010000-five5x' });
    const s3 = test.cloud.s3();
    for (const [name, body] of Object.entries(SAMPLE_FILES)) {
      await s3.send(
        new PutObjectCommand({
          Bucket: test.cloud.bucket,
          Key: `${manifest.dataset.prefix}${name}`,
          Body: body,
        }),
      );
    }
    const key = `users/ada/sessions/${manifest.sessionId}/manifest.json`;

    // Act: S3's own event, then four redeliveries of it.
    await s3.send(
      new PutObjectCommand({ Bucket: test.cloud.bucket, Key: key, Body: JSON.stringify(manifest) }),
    );
    await test.cloud.settle();
    const created = events.find(
      (e) =>
        e['detail-type'] === 'Object Created' && (e.detail as { object: { key: string } }).object.key === key,
    );
    for (let i = 0; i < 4 && created; i++) await test.cloud.sendToQueue('launcher', created);
    await test.cloud.settle();
    const status = await s3.send(
      new GetObjectCommand({
        Bucket: test.cloud.bucket,
        Key: `users/ada/sessions/${manifest.sessionId}/status.json`,
      }),
    );
    const journalled = JSON.parse((await status.Body?.transformToString()) ?? '{}');
    s3.destroy();

    // Assess
    expect(created).toBeDefined();
    const instances: Instance[] = [];
    for await (const i of test.cloud.ec2.describe({ tags: { [TAGS.session]: manifest.sessionId } }))
      instances.push(i);
    expect(instances).toHaveLength(1);
    const byType = (type: string) => events.filter((e) => e['detail-type'] === type && e.source === 'kismo');
    expect(byType('Instance Launched')).toHaveLength(1);
    expect(byType('Instance Ready')).toHaveLength(1);
    const readyMessages = test.chat.messages.filter((m) => /ready/i.test(m.text));
    expect(readyMessages).toHaveLength(1);
    expect(readyMessages[0]?.text).toContain('<@U0ADA>');
    expect(journalled).toMatchObject({
      state: 'ready',
      instanceId: instances[0]?.instanceId,
      instanceType: 'p3.2xlarge',
    });
  });
});
