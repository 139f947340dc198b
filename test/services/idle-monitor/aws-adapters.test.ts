import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SCHEDULER_SOURCE } from '../../../contracts/aws/scheduled-event';
import { idleKey } from '../../../services/idle-monitor/idle-state';
import service from '../../../services/idle-monitor/service';
import { parseConfig } from '../../../services/kit/config';
import { deliver } from '../../../services/kit/deliver';
import { logger } from '../../../services/kit/logger';
import { ec2Compute } from '../../../services/kit/ports/compute';
import { cloudWatchMetrics } from '../../../services/kit/ports/metrics';
import { envelope } from '../../factories/events';
import { INSTANCE_ID, OWNER, SESSION_ID } from '../../factories/kismo-events';
import { memoryPorts } from '../../support/memory-ports';

const ec2 = mockClient(EC2Client);
const cloudWatch = mockClient(CloudWatchClient);
// Monday 30 November 2026, 20:00 in Tokyo.
const TICK = '2026-11-30T11:00:00.000Z';

/** CloudWatch's answer: every query gets a datapoint every five minutes of the window, at `value`. */
const answerAll = (value: number) => async (input: GetMetricDataCommandInput) => ({
  MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({
    Id: q.Id,
    Timestamps: Array.from({ length: 12 }, (_, i) => new Date(Date.parse(TICK) - 3600_000 + i * 300_000)),
    Values: Array.from({ length: 12 }, () => value),
  })),
});

describe('the idle monitor on the AWS adapters', () => {
  beforeEach(() => {
    ec2.reset();
    cloudWatch.reset();
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: INSTANCE_ID,
              InstanceType: 'p3.2xlarge',
              State: { Name: 'running' },
              LaunchTime: new Date('2026-11-30T01:00:00Z'),
              Tags: [
                { Key: 'kismo:managed', Value: 'true' },
                { Key: 'kismo:owner', Value: OWNER },
                { Key: 'kismo:session', Value: SESSION_ID },
              ],
            },
          ],
        },
      ],
    });
    ec2.on(CreateTagsCommand).resolves({});
    ec2.on(StopInstancesCommand).resolves({});
  });

  it('reads the instance’s Activity in one call, then tags and stops the instance at its second strike', async () => {
    // Prepare
    cloudWatch.on(GetMetricDataCommand).callsFake(answerAll(0.4));
    const ports = memoryPorts({
      compute: ec2Compute(new EC2Client({ region: 'us-east-1' }), { launchTemplateId: 'lt-0abc' }),
      metrics: cloudWatchMetrics(new CloudWatchClient({ region: 'us-east-1' })),
      clock: { now: () => new Date(TICK) },
    });
    await ports.objects.put(idleKey(INSTANCE_ID), JSON.stringify({ strikes: 1 }));
    const tick = envelope(SCHEDULER_SOURCE, 'Scheduled Event', {
      service: 'idle-monitor',
      scheduledTime: TICK,
    });

    // Act
    await deliver(service, tick, { ports, config: parseConfig({ bucket: 'kismo-test' }), logger });

    // Assess
    const describe = ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input;
    expect(describe?.Filters).toEqual(
      expect.arrayContaining([
        { Name: 'tag:kismo:managed', Values: ['true'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ]),
    );
    const reads = cloudWatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      StartTime: new Date('2026-11-30T10:00:00Z'),
      EndTime: new Date(TICK),
      MetricDataQueries: [
        {
          MetricStat: {
            Metric: {
              Namespace: 'kismo/activity',
              MetricName: 'Activity',
              Dimensions: [{ Name: 'InstanceId', Value: INSTANCE_ID }],
            },
            Period: 300,
            Stat: 'Maximum',
          },
        },
      ],
    });
    const calls = ec2.calls().map((c) => c.args[0].constructor.name);
    expect(calls.filter((name) => name !== 'DescribeInstancesCommand')).toEqual([
      'CreateTagsCommand',
      'StopInstancesCommand',
    ]);
    expect(ec2.commandCalls(CreateTagsCommand)[0]?.args[0].input).toEqual({
      Resources: [INSTANCE_ID],
      Tags: [
        { Key: 'kismo:stopped-by', Value: 'idle-monitor' },
        { Key: 'kismo:stopped-at', Value: TICK },
      ],
    });
    expect(ec2.commandCalls(StopInstancesCommand)[0]?.args[0].input).toEqual({ InstanceIds: [INSTANCE_ID] });
    expect(ports.published.map((e) => [e.DetailType, JSON.parse(e.Detail).hourlyPrice])).toEqual([
      ['Instance Stopped', 3.06],
    ]);
  });

  it('touches nothing when the busiest signal reached its threshold', async () => {
    // Prepare: Activity 1, e.g. memory at exactly 10 % (a loaded notebook)
    cloudWatch.on(GetMetricDataCommand).callsFake(answerAll(1));
    const ports = memoryPorts({
      compute: ec2Compute(new EC2Client({ region: 'us-east-1' }), { launchTemplateId: 'lt-0abc' }),
      metrics: cloudWatchMetrics(new CloudWatchClient({ region: 'us-east-1' })),
      clock: { now: () => new Date(TICK) },
    });
    const tick = envelope(SCHEDULER_SOURCE, 'Scheduled Event', {
      service: 'idle-monitor',
      scheduledTime: TICK,
    });

    // Act
    await deliver(service, tick, { ports, config: parseConfig({ bucket: 'kismo-test' }), logger });

    // Assess
    expect(cloudWatch.commandCalls(GetMetricDataCommand)).toHaveLength(1);
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(0);
    expect(ec2.commandCalls(CreateTagsCommand)).toHaveLength(0);
    expect(ports.published).toEqual([]);
  });
});
