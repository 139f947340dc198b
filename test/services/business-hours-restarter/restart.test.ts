import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  StartInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { SCHEDULER_SOURCE } from '../../../contracts/aws/scheduled-event';
import { MovableClock } from '../../../infra/local/clock/movable-clock';
import { parseScheduleExpression } from '../../../infra/local/clock/schedule-expression';
import { SimulatedEc2 } from '../../../infra/local/ec2/simulated-ec2';
import restarter from '../../../services/business-hours-restarter/service';
import { type KismoConfigInput, parseConfig } from '../../../services/kit/config';
import { deliver, HandledError } from '../../../services/kit/deliver';
import { logger } from '../../../services/kit/logger';
import type { Ports } from '../../../services/kit/ports';
import { TAGS } from '../../../services/kit/ports';
import { ec2Compute } from '../../../services/kit/ports/compute';
import { resolveSchedule } from '../../../services/kit/schedule';
import { envelope } from '../../factories/events';
import { OWNER } from '../../factories/kismo-events';
import { sessionLaunch } from '../../factories/launch';
import { all } from '../../support/collect';
import { memoryPorts } from '../../support/memory-ports';

const client = mockClient(EC2Client);
const TUESDAY_0900_JST = '2026-12-01T00:00:00.000Z';
const HOLIDAY_0900_JST = '2026-11-23T00:00:00.000Z';

function setup(config: Partial<KismoConfigInput> = {}, ec2Options: { stopDelayMs?: number } = {}) {
  const clock = new MovableClock({ start: new Date('2026-11-20T12:00:00Z'), frozen: true });
  const ec2 = new SimulatedEc2({ clock, ...ec2Options });
  const ports = memoryPorts({ compute: ec2, clock });
  const parsed = parseConfig({ bucket: 'kismo-test', ...config });
  let n = 0;
  return {
    ec2,
    ports,
    /** A kismo instance, stopped with these tags (none: stopped by its own shutdown, as after work). */
    async stopped(stoppedBy?: string) {
      const sessionId = `20261120-120000-rest${String(++n).padStart(2, '0')}`;
      const instance = await ec2.launch(sessionLaunch({ sessionId, instanceType: 'g5.xlarge' }));
      await ec2.settled();
      if (stoppedBy)
        await ec2.tag([instance.instanceId], { [TAGS.stoppedBy]: stoppedBy, [TAGS.stoppedAt]: 'x' });
      await ec2.stop([instance.instanceId]);
      await ec2.settled();
      return { ...instance, sessionId };
    },
    async tick(at: string, over: Ports = ports) {
      clock.set(new Date(at));
      const tick = envelope(SCHEDULER_SOURCE, 'Scheduled Event', {
        service: 'business-hours-restarter',
        scheduledTime: at,
      });
      await deliver(restarter, tick, { ports: over, config: parsed, logger });
      await ec2.settled();
    },
    async state(instanceId: string) {
      const [instance] = await all(ec2.describe({ instanceIds: [instanceId] }));
      return [instance?.state, instance?.tags[TAGS.stoppedBy]];
    },
    published: () => ports.published.map((e) => [e.DetailType, JSON.parse(e.Detail)]),
  };
}

describe('the business-hours restarter', () => {
  it('starts, on a business morning, only the instances the idle monitor stopped', async () => {
    // Prepare
    const s = setup();
    const byMonitor = await s.stopped('idle-monitor');
    const byOwner = await s.stopped('owner');
    const afterWork = await s.stopped();

    // Act
    await s.tick(TUESDAY_0900_JST);

    // Assess
    expect(await s.state(byMonitor.instanceId)).toEqual(['running', '']);
    expect(await s.state(byOwner.instanceId)).toEqual(['stopped', 'owner']);
    expect(await s.state(afterWork.instanceId)).toEqual(['stopped', undefined]);
    expect(s.published()).toEqual([
      [
        'Instance Restarted',
        {
          owner: OWNER,
          instanceId: byMonitor.instanceId,
          sessionId: byMonitor.sessionId,
          reason: 'business-hours',
          version: 1,
        },
      ],
    ]);
  });

  it.each([
    ['a public holiday (Labour Thanksgiving Day)', HOLIDAY_0900_JST, {}],
    ['an extra day off', TUESDAY_0900_JST, { calendar: { extraHolidays: ['2026-12-01'] } }],
  ])('restarts nothing on %s', async (_, at, config) => {
    // Prepare
    const s = setup(config);
    const byMonitor = await s.stopped('idle-monitor');

    // Act
    await s.tick(at);

    // Assess
    expect(await s.state(byMonitor.instanceId)).toEqual(['stopped', 'idle-monitor']);
    expect(s.published()).toEqual([]);
  });

  it('says so once, however often the morning tick is delivered', async () => {
    // Prepare
    const s = setup();
    await s.stopped('idle-monitor');

    // Act
    await s.tick(TUESDAY_0900_JST);
    await s.tick(TUESDAY_0900_JST);

    // Assess
    expect(s.published()).toHaveLength(1);
  });

  it('restarts the others and comes back later for one still stopping', async () => {
    // Prepare
    const s = setup({}, { stopDelayMs: 300 });
    const ready = await s.stopped('idle-monitor');
    const stopping = await s.ec2.launch({
      clientToken: '20261120-120000-slow01',
      instanceType: 'g5.xlarge',
      userData: '#!/bin/bash',
      tags: { [TAGS.managed]: 'true', [TAGS.owner]: OWNER, [TAGS.stoppedBy]: 'idle-monitor' },
    });
    await s.ec2.settled();
    await s.ec2.stop([stopping.instanceId]);

    // Act
    const run = s.tick(TUESDAY_0900_JST);

    // Assess
    await expect(run).rejects.toBeInstanceOf(HandledError);
    expect(await s.state(stopping.instanceId)).toEqual(['stopping', 'idle-monitor']);
    await s.ec2.settled();
    expect(await s.state(ready.instanceId)).toEqual(['running', '']);
    expect(s.published().map(([, d]) => d.instanceId)).toEqual([ready.instanceId]);
  });

  it('runs at 09:00 local time on both sides of a DST change (America/New_York)', () => {
    // Prepare
    const config = parseConfig({
      bucket: 'kismo-test',
      calendar: { timeZone: 'America/New_York', holidays: 'none' },
    });
    const schedule = resolveSchedule(restarter.schedule ?? { expression: '' }, config);
    const cron = parseScheduleExpression(schedule.expression);

    // Act
    const beforeChange = cron.next(new Date('2026-03-05T15:00:00Z'), schedule.timeZone);
    const afterChange = cron.next(new Date('2026-03-06T15:00:00Z'), schedule.timeZone);

    // Assess
    expect(schedule).toEqual({
      expression: 'cron(0 9 ? * MON,TUE,WED,THU,FRI *)',
      timeZone: 'America/New_York',
    });
    expect(beforeChange?.toISOString()).toBe('2026-03-06T14:00:00.000Z');
    expect(afterChange?.toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });

  it('restarts on the first business morning after the change in New York, and not on the Sunday', async () => {
    // Prepare
    const s = setup({ calendar: { timeZone: 'America/New_York', holidays: 'none' } });
    const byMonitor = await s.stopped('idle-monitor');

    // Act
    await s.tick('2026-03-08T13:00:00.000Z');
    const sunday = await s.state(byMonitor.instanceId);
    await s.tick('2026-03-09T13:00:00.000Z');

    // Assess
    expect(sunday).toEqual(['stopped', 'idle-monitor']);
    expect(await s.state(byMonitor.instanceId)).toEqual(['running', '']);
  });

  it('on AWS: finds the instances by the stopped-by tag, starts them, then clears the tags', async () => {
    // Prepare
    client.reset();
    client.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-0123456789abcdef0',
              State: { Name: 'stopped' },
              Tags: [
                { Key: 'kismo:managed', Value: 'true' },
                { Key: 'kismo:owner', Value: OWNER },
                { Key: 'kismo:stopped-by', Value: 'idle-monitor' },
              ],
            },
          ],
        },
      ],
    });
    client.on(StartInstancesCommand).resolves({});
    client.on(CreateTagsCommand).resolves({});
    const s = setup();
    const ports = { ...s.ports, compute: ec2Compute(new EC2Client({ region: 'us-east-1' }), {}) };

    // Act
    await s.tick(TUESDAY_0900_JST, ports);

    // Assess
    expect(client.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.Filters).toEqual(
      expect.arrayContaining([
        { Name: 'tag:kismo:stopped-by', Values: ['idle-monitor'] },
        { Name: 'tag:kismo:managed', Values: ['true'] },
      ]),
    );
    expect(client.calls().map((c) => c.args[0].constructor.name)).toEqual([
      'DescribeInstancesCommand',
      'StartInstancesCommand',
      'CreateTagsCommand',
    ]);
    expect(client.commandCalls(StartInstancesCommand)[0]?.args[0].input).toEqual({
      InstanceIds: ['i-0123456789abcdef0'],
    });
    expect(client.commandCalls(CreateTagsCommand)[0]?.args[0].input).toEqual({
      Resources: ['i-0123456789abcdef0'],
      Tags: [
        { Key: 'kismo:stopped-by', Value: '' },
        { Key: 'kismo:stopped-at', Value: '' },
      ],
    });
  });
});
