import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceRoleName } from '../../../contracts/instance-roles';
import type { EventEnvelope } from '../../../contracts/kit/contract';
import { sessionKey } from '../../../contracts/manifest';
import { setActivity } from '../../../infra/local/activity/activity-file';
import restarter from '../../../services/business-hours-restarter/service';
import idleMonitor from '../../../services/idle-monitor/service';
import { type Instance, TAGS } from '../../../services/kit/ports';
import journal from '../../../services/session-journal/service';
import { OWNER } from '../../factories/kismo-events';
import { sessionLaunch } from '../../factories/launch';
import { all } from '../../support/collect';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';

const HOUR = 3600_000;

describe('a night and a morning on the local cloud (Monday 10:00 JST → Tuesday 09:00 JST)', () => {
  let test: TestCloud;
  const events: EventEnvelope[] = [];
  const seen = (instanceId: string) =>
    events
      .filter((e) => (e.detail as { instanceId?: string }).instanceId === instanceId)
      .map((e) => {
        const d = e.detail as { action?: string; reason?: string; strike?: number };
        return `${e.time.slice(11, 16)}Z ${e['detail-type']} ${d.action ?? d.reason}${d.strike ? ` ${d.strike}` : ''}`;
      });
  const state = async (instanceId: string): Promise<Instance | undefined> => {
    const [instance] = await all(test.cloud.ec2.describe({ instanceIds: [instanceId] }));
    return instance;
  };
  const launch = async (sessionId: string) => {
    // With the owner's instance profile, as the launcher gives it: the reporter writes with it.
    const instance = await test.cloud.ec2.launch({
      ...sessionLaunch({ sessionId }),
      instanceProfile: instanceRoleName(OWNER),
    });
    await test.cloud.settle();
    return instance;
  };
  const status = async (sessionId: string) => {
    const answer = await test.cloud
      .s3()
      .send(
        new GetObjectCommand({ Bucket: test.cloud.bucket, Key: sessionKey(OWNER, sessionId, 'status.json') }),
      );
    return JSON.parse((await answer.Body?.transformToString()) ?? '{}') as {
      state: string;
      idleStrikes?: number;
    };
  };

  let idle: Instance;
  let busy: Instance;
  let notebook: Instance;
  let ownerStopped: Instance;

  beforeAll(async () => {
    test = await startTestCloud({ services: [idleMonitor, restarter, journal] });
    test.cloud.tap((e) => events.push(e));
    idle = await launch('20261130-010000-idle01');
    busy = await launch('20261130-010000-busy01');
    notebook = await launch('20261130-010000-note01');
    ownerStopped = await launch('20261130-010000-mine01');
    // Memory just under its 10 % threshold is still idle; exactly at it, in use.
    await setActivity(test.cloud, idle.instanceId, { memory: 9.9, cpu: 1 });
    await setActivity(test.cloud, busy.instanceId, { gpu: 92, memory: 40, sessions: 1 });
    await setActivity(test.cloud, notebook.instanceId, { memory: 10 });
  });
  afterAll(async () => test.stop());

  it('mentions the owner after an idle hour in business hours, and only once', async () => {
    // Act: 10:00 → 18:00 JST
    await test.cloud.advance(8 * HOUR);

    // Assess
    expect(seen(idle.instanceId)).toEqual(['02:10Z Instance Idle mention']);
    const mention = events.find((e) => e['detail-type'] === 'Instance Idle');
    expect(mention?.detail).toMatchObject({ instanceId: idle.instanceId, readings: { activity: 99 } });
    expect(seen(busy.instanceId)).toEqual([]);
    expect(seen(notebook.instanceId)).toEqual([]);
  });

  it('strikes at 19:10, stops at 20:10, and tags the instance as stopped by the idle monitor', async () => {
    // Prepare: the third owner stops their own instance at 18:30 (as session-control does)
    await test.cloud.advance(HOUR / 2);
    await test.cloud.ec2.tag([ownerStopped.instanceId], { [TAGS.stoppedBy]: 'owner' });
    await test.cloud.ec2.stop([ownerStopped.instanceId]);

    // Act: 18:30 → 19:10 → 20:10 JST (the monitor runs ten minutes past the hour)
    await test.cloud.advance(HOUR / 2 + 10 * 60_000);
    const strikesAt19 = (await status('20261130-010000-idle01')).idleStrikes;
    await test.cloud.advance(HOUR);

    // Assess
    expect(seen(idle.instanceId)).toEqual([
      '02:10Z Instance Idle mention',
      '10:10Z Instance Idle will-stop 1',
      '11:10Z Instance Stopped idle',
    ]);
    expect(strikesAt19).toBe(1);
    const stopped = await state(idle.instanceId);
    expect(stopped?.state).toBe('stopped');
    expect(stopped?.tags).toMatchObject({
      [TAGS.stoppedBy]: 'idle-monitor',
      [TAGS.stoppedAt]: '2026-11-30T11:10:00.000Z',
    });
    expect((await state(busy.instanceId))?.state).toBe('running');
    expect((await state(notebook.instanceId))?.state).toBe('running');
    expect((await status('20261130-010000-idle01')).state).toBe('stopped');
  });

  it('starts it again at 09:00 the next business morning, and never the one its owner stopped', async () => {
    // Act: 20:10 Monday → 09:10 Tuesday JST
    await test.cloud.advance(13 * HOUR);

    // Assess
    expect(seen(idle.instanceId).at(-1)).toBe('00:00Z Instance Restarted business-hours');
    const restarted = await state(idle.instanceId);
    expect(restarted?.state).toBe('running');
    expect(restarted?.tags[TAGS.stoppedBy]).toBe('');
    expect((await state(ownerStopped.instanceId))?.state).toBe('stopped');
    expect(seen(ownerStopped.instanceId)).toEqual(['02:10Z Instance Idle mention']);
    expect(seen(busy.instanceId)).toEqual([]);
    expect(seen(notebook.instanceId)).toEqual([]);
    expect(await status('20261130-010000-idle01')).toMatchObject({ state: 'ready', idleStrikes: 0 });
    expect(await test.cloud.deadLetters('idle-monitor')).toEqual([]);
    expect(await test.cloud.deadLetters('business-hours-restarter')).toEqual([]);
  });
});
