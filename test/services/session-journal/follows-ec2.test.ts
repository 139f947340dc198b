// The journal follows what EC2 reports of a managed instance, whoever acted: the instance itself
// (a run's --then), the console, or kismo. Driven through the local cloud's simulated EC2.
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionKey } from '../../../contracts/manifest';
import journal from '../../../services/session-journal/service';
import { sessionLaunch } from '../../factories/launch';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';

describe('the session journal follows EC2', () => {
  let test: TestCloud;

  beforeAll(async () => {
    test = await startTestCloud({ services: [journal] });
  });
  afterAll(async () => test.stop());

  const status = async (sessionId: string) => {
    const s3 = test.cloud.s3();
    try {
      const object = await s3.send(
        new GetObjectCommand({ Bucket: test.cloud.bucket, Key: sessionKey('ada', sessionId, 'status.json') }),
      );
      return JSON.parse((await object.Body?.transformToString()) ?? '{}');
    } finally {
      s3.destroy();
    }
  };

  it('records a stop and a start made in the console, and a termination by the instance itself', async () => {
    // Prepare
    const sessionId = '20261130-010000-ec2one';
    const { instanceId } = await test.cloud.ec2.launch({
      ...sessionLaunch({ sessionId, owner: 'ada' }),
      shutdownBehavior: 'terminate',
    });
    await test.cloud.settle();

    // Act
    await test.cloud.ec2.stop([instanceId]);
    await test.cloud.settle();
    const stopped = (await status(sessionId)).state;
    await test.cloud.ec2.start([instanceId]);
    await test.cloud.settle();
    const started = (await status(sessionId)).state;
    await test.cloud.ec2.shutdownFromInside(instanceId);
    await test.cloud.settle();
    const final = await status(sessionId);

    // Assess
    expect([stopped, started, final.state]).toEqual(['stopped', 'ready', 'terminated']);
    expect(final.reason).toBe('the instance terminated (EC2)');
    expect(final.timeline.map((e: { detailType: string }) => e.detailType)).toEqual([
      'EC2 Instance Running',
      'EC2 Instance Stopped',
      'EC2 Instance Running',
      'EC2 Instance Terminated',
    ]);
  });

  it('leaves alone instances that are not kismo’s', async () => {
    // Prepare
    const { instanceId } = await test.cloud.ec2.launch({
      clientToken: 'not-kismo',
      instanceType: 'g4dn.xlarge',
      userData: '#!/bin/bash',
      tags: { Name: 'someone else’s' },
    });

    // Act
    await test.cloud.ec2.terminate([instanceId]);
    await test.cloud.settle();

    // Assess
    const s3 = test.cloud.s3();
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: test.cloud.bucket, Prefix: 'users/' }));
    s3.destroy();
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([
      sessionKey('ada', '20261130-010000-ec2one', 'status.json'),
    ]);
  });
});
