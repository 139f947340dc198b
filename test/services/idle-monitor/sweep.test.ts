import { describe, expect, it, vi } from 'vitest';
import { idleKey } from '../../../services/idle-monitor/idle-state';
import { TAGS } from '../../../services/kit/ports';
import { OWNER } from '../../factories/kismo-events';
import { all } from '../../support/collect';
import { AT_THRESHOLD, BUSY_GPU, IDLE, JUST_UNDER, monitorSetup } from './monitor-setup';

// Monday 30 November 2026 in Tokyo (UTC+9): 11:00 is 02:00Z, 19:00 is 10:00Z.
const JST = (day: number, hour: number, minute = 0) =>
  new Date(Date.UTC(2026, 10, day, hour - 9, minute)).toISOString();

describe('the idle monitor’s sweep', () => {
  it('mentions an idle instance once in business hours, with the peak of its window', async () => {
    // Prepare
    const m = monitorSetup();
    const instance = await m.launch();
    await m.report(instance.instanceId, IDLE, JST(30, 10), JST(30, 12));

    // Act
    await m.tick(JST(30, 11));
    await m.tick(JST(30, 12));

    // Assess
    expect(m.published()).toEqual([
      [
        'Instance Idle',
        {
          owner: OWNER,
          instanceId: instance.instanceId,
          sessionId: instance.sessionId,
          readings: { activity: 30 },
          businessHours: true,
          strike: 0,
          action: 'mention',
          version: 2,
        },
      ],
    ]);
  });

  it('stops an instance idle at the second reading outside business hours: tags, StopInstances, Instance Stopped', async () => {
    // Prepare
    const m = monitorSetup();
    const instance = await m.launch();
    await m.report(instance.instanceId, IDLE, JST(30, 10), JST(30, 20));

    // Act
    await m.tick(JST(30, 19));
    const afterFirst = m.ports.objects.text(idleKey(instance.instanceId));
    await m.tick(JST(30, 20));

    // Assess
    expect(m.published().map(([type, d]) => [type, d.action ?? d.reason, d.strike ?? d.hourlyPrice])).toEqual(
      [
        ['Instance Idle', 'will-stop', 1],
        ['Instance Stopped', 'idle', 0.526],
      ],
    );
    expect(JSON.parse(afterFirst ?? '{}')).toEqual({ strikes: 1 });
    const [stopped] = await all(m.ec2.describe({ instanceIds: [instance.instanceId] }));
    expect(stopped?.state).toBe('stopped');
    expect(stopped?.tags).toMatchObject({ [TAGS.stoppedBy]: 'idle-monitor', [TAGS.stoppedAt]: JST(30, 20) });
  });

  it('clears the strikes when the instance is used between two idle readings, and says so', async () => {
    // Prepare
    const m = monitorSetup();
    const instance = await m.launch();
    await m.report(instance.instanceId, IDLE, JST(30, 10), JST(30, 19));
    await m.report(instance.instanceId, BUSY_GPU, JST(30, 19), JST(30, 20));
    await m.report(instance.instanceId, IDLE, JST(30, 20), JST(30, 21));

    // Act
    for (const hour of [19, 20, 21]) await m.tick(JST(30, hour));

    // Assess
    expect(m.published().map(([type, d]) => [type, d.action ?? d.reason, d.strike ?? d.strikes])).toEqual([
      ['Instance Idle', 'will-stop', 1],
      ['Idle Strikes Cleared', 'active', 1],
      ['Instance Idle', 'will-stop', 1],
    ]);
  });

  it('reports missing data to the operators once, and leaves the instance alone', async () => {
    // Prepare: the reporter stopped at 18:30
    const m = monitorSetup();
    const instance = await m.launch();
    await m.report(instance.instanceId, IDLE, JST(30, 10), JST(30, 18, 30));

    // Act
    for (const hour of [19, 20, 21]) await m.tick(JST(30, hour));

    // Assess
    expect(m.published()).toEqual([]);
    expect(m.chat.messages.map((message) => message.channel)).toEqual(['#kismo-ops']);
    expect(m.chat.messages[0]?.text).toContain(`No complete Activity data from \`${instance.instanceId}\``);
    expect(m.chat.messages[0]?.text).toContain('over the last 60 minutes');
    const [still] = await all(m.ec2.describe({ instanceIds: [instance.instanceId] }));
    expect(still?.state).toBe('running');
  });

  it('says nothing about an instance too young to have a window of data', async () => {
    // Prepare: launched at 18:45, its reporter running from 19:20 once the bootstrap is done
    const m = monitorSetup();
    m.clock.set(new Date(JST(30, 18, 45)));
    const instance = await m.launch();
    await m.report(instance.instanceId, IDLE, JST(30, 19, 20), JST(30, 20));

    // Act
    await m.tick(JST(30, 19));
    await m.tick(JST(30, 20));

    // Assess
    expect(m.chat.messages).toEqual([]);
    expect(m.published()).toEqual([]);
  });

  it('leaves a kept instance alone until its keep-alive expires, without reading its activity', async () => {
    // Prepare
    const m = monitorSetup();
    const instance = await m.launch();
    await m.report(instance.instanceId, IDLE, JST(30, 10), JST(30, 23));
    await m.keep(instance, JST(30, 20, 30));
    const read = vi.spyOn(m.ports.objects, 'get');

    // Act
    for (const hour of [19, 20, 21, 22]) await m.tick(JST(30, hour));

    // Assess
    expect(m.published().map(([type, d]) => [type, d.action ?? d.reason])).toEqual([
      ['Instance Idle', 'will-stop'],
      ['Instance Stopped', 'idle'],
    ]);
    const readTimes = read.mock.calls.filter(([key]) =>
      key.startsWith(`kismo/activity/${OWNER}/${instance.instanceId}/`),
    ).length;
    expect(readTimes).toBe(2);
  });

  it('stops an instance whose busiest signal stayed at 99 % of its threshold, never one that reached it', async () => {
    // Prepare
    const m = monitorSetup();
    const under = await m.launch();
    const at = await m.launch();
    await m.report(under.instanceId, JUST_UNDER, JST(30, 10), JST(30, 20));
    await m.report(at.instanceId, IDLE, JST(30, 10), JST(30, 20));
    await m.report(at.instanceId, AT_THRESHOLD, JST(30, 19, 30), JST(30, 19, 35));

    // Act
    await m.tick(JST(30, 19));
    await m.tick(JST(30, 20));

    // Assess
    const of = (instanceId: string) =>
      m
        .published()
        .filter(([, d]) => d.instanceId === instanceId)
        .map(([type, d]) => [type, d.action ?? d.reason, d.readings]);
    expect(of(under.instanceId)).toEqual([
      ['Instance Idle', 'will-stop', { activity: 99 }],
      ['Instance Stopped', 'idle', undefined],
    ]);
    expect(of(at.instanceId)).toEqual([
      ['Instance Idle', 'will-stop', { activity: 30 }],
      ['Idle Strikes Cleared', 'active', undefined],
    ]);
  });

  it('judges by the thresholds the reporter applied, not by the signals alone', async () => {
    // Prepare: memory at 40 % is in use under the default threshold of 10 %, idle under one of 50 %
    const m = monitorSetup({ idle: { thresholds: { gpu: 5, memory: 50, cpu: 5, sessions: 1 } } });
    const instance = await m.launch();
    await m.report(
      instance.instanceId,
      { gpu: 0, memory: 40, cpu: 1, sessions: 0 },
      JST(30, 10),
      JST(30, 12),
    );

    // Act
    await m.tick(JST(30, 11));

    // Assess
    expect(m.published().map(([type, d]) => [type, d.readings])).toEqual([
      ['Instance Idle', { activity: 80 }],
    ]);
  });

  it('reads each sweep once, however often the tick is delivered', async () => {
    // Prepare
    const m = monitorSetup();
    const instance = await m.launch();
    await m.report(instance.instanceId, IDLE, JST(30, 10), JST(30, 20));

    // Act
    await m.tick(JST(30, 19));
    await m.tick(JST(30, 19));

    // Assess
    expect(m.published().map(([type, d]) => [type, d.strike])).toEqual([['Instance Idle', 1]]);
    expect(JSON.parse(m.ports.objects.text(idleKey(instance.instanceId)) ?? '{}')).toEqual({ strikes: 1 });
  });

  it('reminds the owner of an instance stopped for more than 7 days, every 7 days, with the volume’s cost', async () => {
    // Prepare: stopped by its owner 8 days before
    const m = monitorSetup();
    const instance = await m.launch();
    await m.ec2.tag([instance.instanceId], { [TAGS.stoppedBy]: 'owner', [TAGS.stoppedAt]: JST(22, 12) });
    await m.ec2.stop([instance.instanceId]);
    await m.ec2.settled();

    // Act
    await m.tick(JST(30, 11));
    await m.tick(JST(30, 12));
    await m.tick(JST(30 + 6, 11));
    await m.tick(JST(30 + 7, 11));

    // Assess
    expect(m.chat.messages.map((message) => message.channel)).toEqual(['#kismo', '#kismo']);
    expect(m.chat.messages[0]?.text).toBe(
      `<@U0ADA> your g4dn.xlarge \`${instance.instanceId}\` has been stopped for 7 days. Its 200 GiB volume ` +
        `still costs about $16.00 a month. \`kismo down ${instance.sessionId}\` deletes it (your dataset and ` +
        `outputs stay in S3); \`kismo start ${instance.sessionId}\` brings it back. kismo never deletes it on its own.`,
    );
    const [still] = await all(m.ec2.describe({ instanceIds: [instance.instanceId] }));
    expect(still?.state).toBe('stopped');
  });

  it('forgets the state of instances EC2 no longer has', async () => {
    // Prepare
    const m = monitorSetup();
    const gone = idleKey('i-0deadbeefdeadbeef0');
    await m.ports.objects.put(gone, JSON.stringify({ strikes: 1 }));

    // Act
    await m.tick(JST(30, 19));

    // Assess
    expect(m.ports.objects.text(gone)).toBeUndefined();
  });
});
