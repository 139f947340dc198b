// The local cloud's activity reporter: what a simulated instance reads from its sandbox, the
// readings it keeps on its disk, and the hour it writes with its own credentials, as IAM allows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityHourSchema, activityKey } from '../../../../contracts/activity-hour';
import { instanceRoleName } from '../../../../contracts/instance-roles';
import { setActivity } from '../../../../infra/local/activity/activity-file';
import {
  PENDING_DIR,
  readActivityFile,
  reportActivity,
} from '../../../../infra/local/activity/activity-reporter';
import { TAGS } from '../../../../services/kit/ports';
import { sessionLaunch } from '../../../factories/launch';
import { startTestCloud, type TestCloud } from '../../../support/local-cloud';

describe('readActivityFile', () => {
  it('reads absent files and fields as idle, and a malformed file as no reading', async () => {
    // Prepare
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kismo-'));
    const busy = path.join(dir, 'busy');
    const broken = path.join(dir, 'broken');
    fs.mkdirSync(busy);
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(busy, 'activity.json'), '{"gpu": 85, "sessions": 2}');
    fs.writeFileSync(path.join(broken, 'activity.json'), '{"gpu": "lots"}');

    // Act
    const readings = await Promise.all([dir, busy, broken].map(readActivityFile));

    // Assess
    expect(readings).toEqual([
      { gpu: 0, memory: 0, cpu: 0, sessions: 0 },
      { gpu: 85, memory: 0, cpu: 0, sessions: 2 },
      undefined,
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the simulated activity reporter, on a local cloud with IAM', () => {
  let test: TestCloud;
  const ids: Record<string, string> = {};

  const object = async (key: string) => {
    try {
      const answer = await test.cloud
        .s3()
        .send(new GetObjectCommand({ Bucket: test.cloud.bucket, Key: key }));
      return activityHourSchema.parse(JSON.parse((await answer.Body?.transformToString()) ?? ''));
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  };
  const pendingHours = (instanceId: string) =>
    fs.readdirSync(path.join(test.cloud.ec2.sandbox(instanceId) ?? '', PENDING_DIR)).sort();

  beforeAll(async () => {
    test = await startTestCloud({ users: ['ada', 'bob'] });
    // Each with ada's instance profile, as the launcher gives her instances.
    const launch = (sessionId: string) => ({
      ...sessionLaunch({ sessionId }),
      instanceProfile: instanceRoleName('ada'),
    });
    const launches = {
      idle: launch('20261130-010000-idle01'),
      training: launch('20261130-010000-train1'),
      broken: launch('20261130-010000-brok01'),
      // An instance whose tags say bob while its profile is ada's: its writes under bob are refused.
      forged: launch('20261130-010000-forg01'),
    };
    for (const [name, spec] of Object.entries(launches)) {
      ids[name] = (await test.cloud.ec2.launch(spec)).instanceId;
    }
    await test.cloud.ec2.settled();
    await test.cloud.ec2.tag([ids.forged as string], { [TAGS.owner]: 'bob' });
    await setActivity(test.cloud, ids.training as string, { gpu: 90, memory: 40, cpu: 35.5, sessions: 1 });
    fs.writeFileSync(
      path.join(test.cloud.ec2.sandbox(ids.broken as string) ?? '', 'activity.json'),
      '{"gpu":"lots"}',
    );
  });
  afterAll(async () => test.stop());

  it('keeps each reading on the instance until the hour is over, then writes the hour under its owner', async () => {
    // Act: 01:00Z is when the cloud starts; readings at 01:00, 01:05, …, 01:55, then 02:00
    const rounds = [];
    for (let i = 0; i <= 12; i += 1) {
      rounds.push(await reportActivity(test.cloud, test.cloud.clock, test.cloud.config.idle.thresholds));
      test.cloud.clock.advance(5 * 60_000);
    }

    // Assess
    expect(rounds.slice(0, 12).every((r) => r.written.length === 0)).toBe(true);
    const hour = new Date('2026-11-30T01:00:00Z');
    expect([...(rounds[12]?.written ?? [])].sort()).toEqual(
      [ids.idle, ids.training, ids.broken].map((id) => activityKey('ada', id as string, hour)).sort(),
    );
    const training = await object(activityKey('ada', ids.training as string, hour));
    expect(training?.points).toHaveLength(12);
    expect(training?.points[0]).toEqual({
      at: '2026-11-30T01:00:00.000Z',
      gpu: 90,
      memory: 40,
      cpu: 35.5,
      sessions: 1,
      activity: 18,
    });
    const idle = await object(activityKey('ada', ids.idle as string, hour));
    expect(new Set(idle?.points.map((p) => p.activity))).toEqual(new Set([0]));
    const broken = await object(activityKey('ada', ids.broken as string, hour));
    expect(broken?.points.every((p) => p.activity === undefined)).toBe(true);
    expect(pendingHours(ids.training as string)).toEqual(['2026-11-30T02.jsonl']);
  });

  it('cannot write under another owner: the hour stays on the instance and its console says why', async () => {
    // Assess (the rounds above)
    const forged = ids.forged as string;
    expect(await object(activityKey('bob', forged, new Date('2026-11-30T01:00:00Z')))).toBeUndefined();
    expect(pendingHours(forged)).toEqual(['2026-11-30T01.jsonl', '2026-11-30T02.jsonl']);
    expect(await test.cloud.ec2.consoleOutput(forged)).toContain(
      `could not write kismo/activity/bob/${forged}/2026-11-30T01.json (Access Denied`,
    );
  });
});
