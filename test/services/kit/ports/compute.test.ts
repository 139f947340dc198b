import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  GetConsoleOutputCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ec2Compute,
  InsufficientCapacityError,
  type LaunchSpec,
} from '../../../../services/kit/ports/compute';

const ec2 = mockClient(EC2Client);
const compute = ec2Compute(new EC2Client({ region: 'eu-west-1' }), { launchTemplateId: 'lt-0abc' });

const spec: LaunchSpec = {
  clientToken: 'session-s1',
  instanceType: 'p3.2xlarge',
  subnetId: 'subnet-1a',
  userData: '#!/bin/bash\necho "pull users/ana/datasets/d/"\n',
  tags: { 'kismo:managed': 'true', 'kismo:owner': 'ana', 'kismo:session': 's1' },
  shutdownBehavior: 'stop',
};

const ids = (count: number): string[] => Array.from({ length: count }, (_, i) => `i-${i}`);

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

describe('ec2Compute', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('launches one tagged instance from the template, idempotently, with IMDSv2 and encoded user data', async () => {
    // Prepare
    ec2.on(RunInstancesCommand).resolves({
      Instances: [
        {
          InstanceId: 'i-new',
          InstanceType: 'p3.2xlarge',
          State: { Name: 'pending' },
          Placement: { AvailabilityZone: 'eu-west-1a' },
          SubnetId: 'subnet-1a',
          PrivateIpAddress: '10.0.0.5',
          LaunchTime: new Date('2025-03-04T05:06:07Z'),
        },
      ],
    });

    // Act
    const instance = await compute.launch(spec);

    // Assess
    const calls = ec2.commandCalls(RunInstancesCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    const tags = [
      { Key: 'kismo:managed', Value: 'true' },
      { Key: 'kismo:owner', Value: 'ana' },
      { Key: 'kismo:session', Value: 's1' },
    ];
    expect(input).toEqual({
      MinCount: 1,
      MaxCount: 1,
      ClientToken: 'session-s1',
      InstanceType: 'p3.2xlarge',
      SubnetId: 'subnet-1a',
      LaunchTemplate: { LaunchTemplateId: 'lt-0abc' },
      UserData: expect.any(String),
      TagSpecifications: [
        { ResourceType: 'instance', Tags: tags },
        { ResourceType: 'volume', Tags: tags },
      ],
      InstanceInitiatedShutdownBehavior: 'stop',
      MetadataOptions: { HttpTokens: 'required' },
    });
    expect(Buffer.from(input?.UserData ?? '', 'base64').toString('utf8')).toBe(spec.userData);
    expect(instance).toEqual({
      instanceId: 'i-new',
      instanceType: 'p3.2xlarge',
      state: 'pending',
      availabilityZone: 'eu-west-1a',
      subnetId: 'subnet-1a',
      privateIp: '10.0.0.5',
      launchedAt: '2025-03-04T05:06:07.000Z',
      tags: spec.tags,
    });
  });

  it('uses the template name when no id is given, and refuses to launch without either', async () => {
    // Prepare
    ec2.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: 'i-new' }] });
    const byName = ec2Compute(new EC2Client({ region: 'eu-west-1' }), { launchTemplateName: 'kismo-gpu' });
    const withoutTemplate = ec2Compute(new EC2Client({ region: 'eu-west-1' }), {});

    // Act
    await byName.launch(spec);
    const launching = withoutTemplate.launch(spec);

    // Assess
    await expect(launching).rejects.toThrow(/launchTemplate/);
    const calls = ec2.commandCalls(RunInstancesCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.LaunchTemplate).toEqual({ LaunchTemplateName: 'kismo-gpu' });
  });

  it.each(['InsufficientInstanceCapacity', 'Unsupported'])(
    'maps %s to InsufficientCapacityError for the type and subnet',
    async (code) => {
      // Prepare
      ec2
        .on(RunInstancesCommand)
        .rejects(Object.assign(new Error('no capacity'), { name: code, $metadata: { httpStatusCode: 500 } }));

      // Act
      const launching = compute.launch(spec);

      // Assess
      await expect(launching).rejects.toBeInstanceOf(InsufficientCapacityError);
      await expect(launching).rejects.toMatchObject({ instanceType: 'p3.2xlarge', subnetId: 'subnet-1a' });
    },
  );

  it('lets other launch errors through unchanged', async () => {
    // Prepare
    ec2
      .on(RunInstancesCommand)
      .rejects(Object.assign(new Error('vcpu limit'), { name: 'VcpuLimitExceeded' }));

    // Act
    const launching = compute.launch(spec);

    // Assess
    await expect(launching).rejects.toMatchObject({ name: 'VcpuLimitExceeded' });
  });

  it('describes every page, filtering by tags, states and ids', async () => {
    // Prepare
    const pages = [
      {
        Reservations: [
          {
            Instances: [
              {
                InstanceId: 'i-1',
                InstanceType: 'g5.xlarge',
                State: { Name: 'running' as const },
                Placement: { AvailabilityZone: 'eu-west-1b' },
                PublicIpAddress: '3.3.3.3',
                LaunchTime: new Date('2025-01-01T00:00:00Z'),
                Tags: [{ Key: 'kismo:owner', Value: 'ana' }],
              },
            ],
          },
        ],
        NextToken: 'page-2',
      },
      {
        Reservations: [
          { Instances: [{ InstanceId: 'i-2', State: { Name: 'stopped' as const } }] },
          { Instances: [{ InstanceId: 'i-3', State: { Name: 'running' as const } }] },
        ],
      },
    ];
    // The paginator reuses one input object, so copy each request as it is sent.
    const sent: unknown[] = [];
    ec2.on(DescribeInstancesCommand).callsFake((input) => {
      sent.push(structuredClone(input));
      return pages[sent.length - 1];
    });

    // Act
    const found = await collect(
      compute.describe({
        instanceIds: ['i-1', 'i-2', 'i-3'],
        states: ['running', 'stopped'],
        tags: { 'kismo:owner': 'ana' },
      }),
    );

    // Assess: always narrowed to kismo's instances; ids as a filter, so an unknown id is just absent.
    const first = {
      Filters: [
        { Name: 'tag:kismo:owner', Values: ['ana'] },
        { Name: 'tag:kismo:managed', Values: ['true'] },
        { Name: 'instance-state-name', Values: ['running', 'stopped'] },
        { Name: 'instance-id', Values: ['i-1', 'i-2', 'i-3'] },
      ],
    };
    expect(sent).toEqual([first, { ...first, NextToken: 'page-2' }]);
    expect(found.map((i) => [i.instanceId, i.state])).toEqual([
      ['i-1', 'running'],
      ['i-2', 'stopped'],
      ['i-3', 'running'],
    ]);
    expect(found[0]).toEqual({
      instanceId: 'i-1',
      instanceType: 'g5.xlarge',
      state: 'running',
      availabilityZone: 'eu-west-1b',
      publicIp: '3.3.3.3',
      launchedAt: '2025-01-01T00:00:00.000Z',
      tags: { 'kismo:owner': 'ana' },
    });
  });

  it('describes nothing, rather than every instance, for an empty id list', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-x' }] }] });

    // Act
    const found = await collect(compute.describe({ instanceIds: [] }));

    // Assess
    expect(found).toEqual([]);
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
  });

  it('stops, starts and terminates in calls of at most 1000 ids, and not at all for none', async () => {
    // Prepare
    ec2.on(StopInstancesCommand).resolves({});
    ec2.on(StartInstancesCommand).resolves({});
    ec2.on(TerminateInstancesCommand).resolves({});

    // Act
    await compute.stop(ids(2500));
    await compute.start(ids(1000));
    await compute.terminate([]);

    // Assess
    const stops = ec2.commandCalls(StopInstancesCommand).map((c) => c.args[0].input.InstanceIds ?? []);
    expect(stops.map((batch) => batch.length)).toEqual([1000, 1000, 500]);
    expect(stops.flat()).toEqual(ids(2500));
    expect(ec2.commandCalls(StartInstancesCommand).map((c) => c.args[0].input.InstanceIds)).toEqual([
      ids(1000),
    ]);
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });

  it('tags instances', async () => {
    // Prepare
    ec2.on(CreateTagsCommand).resolves({});

    // Act
    await compute.tag(['i-1', 'i-2'], {
      'kismo:stopped-by': 'idle-monitor',
      'kismo:stopped-at': '2025-01-01',
    });

    // Assess
    expect(ec2.commandCalls(CreateTagsCommand).map((c) => c.args[0].input)).toEqual([
      {
        Resources: ['i-1', 'i-2'],
        Tags: [
          { Key: 'kismo:stopped-by', Value: 'idle-monitor' },
          { Key: 'kismo:stopped-at', Value: '2025-01-01' },
        ],
      },
    ]);
  });

  it('reads the latest console output, decoded, and "" when there is none yet', async () => {
    // Prepare
    ec2
      .on(GetConsoleOutputCommand)
      .resolvesOnce({ Output: Buffer.from('kismo: ready\n').toString('base64') })
      .resolvesOnce({});

    // Act
    const text = await compute.consoleOutput('i-1');
    const empty = await compute.consoleOutput('i-1');

    // Assess
    expect(ec2.commandCalls(GetConsoleOutputCommand)[0]?.args[0].input).toEqual({
      InstanceId: 'i-1',
      Latest: true,
    });
    expect(text).toBe('kismo: ready\n');
    expect(empty).toBe('');
  });
});
