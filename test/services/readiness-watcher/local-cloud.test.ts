import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../contracts/kit/contract';
import { sessionKey } from '../../../contracts/manifest';
import readinessWatcher from '../../../services/readiness-watcher/service';
import { OWNER, readyMarker } from '../../factories/kismo-events';
import { sessionLaunch } from '../../factories/launch';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';

describe('readiness-watcher in the local cloud', () => {
  let test: TestCloud;
  const events: EventEnvelope[] = [];
  const of = (type: string, instanceId: string) =>
    events.filter(
      (e) => e['detail-type'] === type && (e.detail as { instanceId?: string }).instanceId === instanceId,
    );

  beforeAll(async () => {
    test = await startTestCloud({ services: [readinessWatcher] });
    test.cloud.tap((e) => events.push(e));
  });
  afterAll(async () => test.stop());

  const launch = async (sessionId: string) => {
    const instance = await test.cloud.ec2.launch(sessionLaunch({ sessionId }));
    await test.cloud.settle();
    return instance;
  };

  const writeMarker = (sessionId: string, body: unknown) =>
    test.cloud.s3().send(
      new PutObjectCommand({
        Bucket: test.cloud.bucket,
        Key: sessionKey(OWNER, sessionId, 'ready.json'),
        Body: JSON.stringify(body),
      }),
    );

  it('turns the ready marker into Instance Ready, with the sandbox of the simulated instance', async () => {
    // Prepare
    const session = '20261130-010000-ready1';
    const instance = await launch(session);

    // Act
    await writeMarker(session, readyMarker({ instanceId: instance.instanceId }));
    await test.cloud.settle();

    // Assess
    expect(of('Instance Ready', instance.instanceId).map((e) => e.detail)).toEqual([
      expect.objectContaining({
        sessionId: session,
        address: instance.privateIp,
        connect: `aws ssm start-session --target ${instance.instanceId}`,
        instanceType: 'g4dn.xlarge',
        sandbox: test.cloud.ec2.sandbox(instance.instanceId),
      }),
    ]);
  });

  it('ignores a forged marker that names an instance not tagged with the session', async () => {
    // Prepare
    const session = '20261130-010000-forge1';
    await launch(session);
    const elsewhere = await launch('20261130-010000-other1');

    // Act
    await writeMarker(session, readyMarker({ instanceId: elsewhere.instanceId }));
    await test.cloud.settle();

    // Assess
    expect(of('Instance Ready', elsewhere.instanceId)).toEqual([]);
    expect(await test.cloud.deadLetters('readiness-watcher')).toEqual([]);
  });

  it('reports an instance terminated before it was ready', async () => {
    // Prepare
    const instance = await launch('20261130-010000-gone01');

    // Act
    await test.cloud.ec2.terminate([instance.instanceId]);
    await test.cloud.settle();

    // Assess
    expect(of('Instance Boot Failed', instance.instanceId).map((e) => e.detail)).toEqual([
      expect.objectContaining({ reason: 'terminated', logTail: expect.stringContaining('state terminated') }),
    ]);
  });

  it('reports a boot past the deadline once, with the console tail, as the clock moves on', async () => {
    // Prepare
    const instance = await launch('20261130-010000-slow01');
    test.cloud.ec2.appendConsole(instance.instanceId, 'bootstrap: still pulling 1.2 TB…');

    // Act: past the 30-minute deadline, then a few more sweeps (one every 5 minutes)
    await test.cloud.advance(31 * 60_000);
    await test.cloud.advance(15 * 60_000);

    // Assess
    expect(of('Instance Boot Failed', instance.instanceId).map((e) => e.detail)).toEqual([
      expect.objectContaining({
        reason: 'timeout',
        logTail: expect.stringContaining('bootstrap: still pulling 1.2 TB…'),
      }),
    ]);
  });
});
