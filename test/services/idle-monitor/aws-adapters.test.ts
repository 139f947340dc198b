import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { activityKey } from '../../../contracts/activity-hour';
import { SCHEDULER_SOURCE } from '../../../contracts/aws/scheduled-event';
import { idleKey } from '../../../services/idle-monitor/idle-state';
import service from '../../../services/idle-monitor/service';
import { parseConfig } from '../../../services/kit/config';
import { deliver } from '../../../services/kit/deliver';
import { logger } from '../../../services/kit/logger';
import { ec2Compute } from '../../../services/kit/ports/compute';
import { s3Objects } from '../../../services/kit/ports/objects';
import { envelope } from '../../factories/events';
import { INSTANCE_ID, OWNER, SESSION_ID } from '../../factories/kismo-events';
import { memoryPorts, readingActivityFrom } from '../../support/memory-ports';

const ec2 = mockClient(EC2Client);
const s3 = mockClient(S3Client);
// Monday 30 November 2026, 20:10 in Tokyo: the run ten minutes past the hour.
const TICK = '2026-11-30T11:10:00.000Z';
const HOUR = new Date('2026-11-30T10:00:00Z');

/** S3's answer: the hour object the instance's reporter wrote, a reading every five minutes at `activity`. */
const hourAt = (activity: number) => {
  const points = Array.from({ length: 12 }, (_, i) => ({
    at: new Date(HOUR.getTime() + i * 300_000).toISOString(),
    activity,
  }));
  const text = JSON.stringify({ instanceId: INSTANCE_ID, hour: HOUR.toISOString(), points });
  return {
    Body: { transformToByteArray: async () => new TextEncoder().encode(text) } as never,
    ETag: '"e1"',
  };
};

/** Memory S3 for the monitor's state, and the S3 adapter over the mocked client for the activity hours. */
function portsOverS3() {
  const ports = memoryPorts({
    compute: ec2Compute(new EC2Client({ region: 'us-east-1' }), { launchTemplateId: 'lt-0abc' }),
    clock: { now: () => new Date(TICK) },
  });
  readingActivityFrom(ports.objects, s3Objects(new S3Client({ region: 'us-east-1' }), 'kismo-data'));
  return ports;
}

describe('the idle monitor on the AWS adapters', () => {
  beforeEach(() => {
    ec2.reset();
    s3.reset();
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

  it('reads the instance’s last hour in one GET, then tags and stops the instance at its second strike', async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves(hourAt(0.4));
    const ports = portsOverS3();
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
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'kismo-data', Key: activityKey(OWNER, INSTANCE_ID, HOUR) },
    ]);
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
    s3.on(GetObjectCommand).resolves(hourAt(1));
    const ports = portsOverS3();
    const tick = envelope(SCHEDULER_SOURCE, 'Scheduled Event', {
      service: 'idle-monitor',
      scheduledTime: TICK,
    });

    // Act
    await deliver(service, tick, { ports, config: parseConfig({ bucket: 'kismo-test' }), logger });

    // Assess
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(0);
    expect(ec2.commandCalls(CreateTagsCommand)).toHaveLength(0);
    expect(ports.published).toEqual([]);
  });
});
