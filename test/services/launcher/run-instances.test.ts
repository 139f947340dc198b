// The launcher's RunInstances as the AWS SDK sends it (ec2Compute with aws-sdk-client-mock).
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ec2Compute } from '../../../services/kit/ports/compute';
import { OWNER, SESSION_ID } from '../../factories/events';
import { sessionManifest } from '../../factories/manifest';
import { bootstrapOf } from '../../support/user-data';
import { type LauncherHarness, launcherHarness, pushSession } from './support/launcher-harness';

const ec2 = mockClient(EC2Client);
let harness: LauncherHarness;

const launched = {
  InstanceId: 'i-0fedcba9876543210',
  InstanceType: 'g5.xlarge' as const,
  State: { Name: 'pending' as const },
  Placement: { AvailabilityZone: 'eu-west-1b' },
  SubnetId: 'subnet-0b',
  LaunchTime: new Date('2026-11-28T15:31:02Z'),
};

beforeEach(() => {
  ec2.reset();
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  harness = launcherHarness({
    config: { subnets: ['subnet-0a', 'subnet-0b'] },
    compute: () => ec2Compute(new EC2Client({ region: 'eu-west-1' }), { launchTemplateId: 'lt-0kismo' }),
  });
});

afterEach(() => harness.close());

describe('launcher → RunInstances', () => {
  it('sends the client token, the launch template, the tags and the session’s script in base64', async () => {
    // Prepare
    ec2.on(RunInstancesCommand).resolves({ Instances: [launched] });
    const manifest = sessionManifest({
      instanceType: 'g5.xlarge',
      options: { run: 'make train', afterRun: 'stop' },
    });
    const key = await pushSession(harness.objects, manifest);

    // Act
    await harness.deliver(key);

    // Assess
    const [call, ...more] = ec2.commandCalls(RunInstancesCommand);
    expect(more).toEqual([]);
    const input = call?.args[0].input;
    const tags = [
      { Key: 'kismo:managed', Value: 'true' },
      { Key: 'kismo:owner', Value: OWNER },
      { Key: 'kismo:session', Value: SESSION_ID },
      { Key: 'Name', Value: `kismo-${OWNER}-${SESSION_ID}` },
    ];
    expect(input).toMatchObject({
      MinCount: 1,
      MaxCount: 1,
      ClientToken: SESSION_ID,
      InstanceType: 'g5.xlarge',
      SubnetId: 'subnet-0a',
      LaunchTemplate: { LaunchTemplateId: 'lt-0kismo' },
      TagSpecifications: [
        { ResourceType: 'instance', Tags: tags },
        { ResourceType: 'volume', Tags: tags },
      ],
      InstanceInitiatedShutdownBehavior: 'stop',
      MetadataOptions: { HttpTokens: 'required' },
      // The owner's own instance role: the instance reaches their prefix only.
      IamInstanceProfile: { Name: `kismo-owner-${OWNER}` },
    });
    const script = bootstrapOf(Buffer.from(input?.UserData ?? '', 'base64').toString('utf8'));
    expect(script.startsWith('#!/bin/bash\nset -euo pipefail\n')).toBe(true);
    expect(script).toContain(`readonly DATASET_PREFIX='users/${OWNER}/datasets/sample/'`);
    expect(script).toContain(`readonly RUN_B64='${Buffer.from('make train').toString('base64')}'`);
    expect(script).toContain("readonly AFTER_RUN='stop'");
    expect(harness.bus.published('Instance Launched')).toMatchObject([
      { instanceId: 'i-0fedcba9876543210', availabilityZone: 'eu-west-1b', subnetId: 'subnet-0b' },
    ]);
  });

  it('asks the next subnet with the same token after InsufficientInstanceCapacity', async () => {
    // Prepare
    ec2
      .on(RunInstancesCommand)
      .rejectsOnce(Object.assign(new Error('no capacity'), { name: 'InsufficientInstanceCapacity' }))
      .resolves({ Instances: [launched] });
    const key = await pushSession(harness.objects);

    // Act
    await harness.deliver(key);

    // Assess
    const calls = ec2.commandCalls(RunInstancesCommand).map((c) => c.args[0].input);
    expect(calls.map((i) => [i.SubnetId, i.ClientToken])).toEqual([
      ['subnet-0a', SESSION_ID],
      ['subnet-0b', SESSION_ID],
    ]);
    expect(calls[0]?.UserData).toBe(calls[1]?.UserData);
  });

  it('finds the instance of an earlier delivery by its tags instead of launching again', async () => {
    // Prepare
    ec2
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [{ ...launched, State: { Name: 'running' } }] }] });
    const key = await pushSession(harness.objects);

    // Act
    await harness.deliver(key);

    // Assess
    expect(ec2.commandCalls(RunInstancesCommand)).toEqual([]);
    const describes = ec2.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input.Filters);
    expect(describes).toContainEqual([
      { Name: 'tag:kismo:managed', Values: ['true'] },
      { Name: 'tag:kismo:owner', Values: [OWNER] },
      { Name: 'tag:kismo:session', Values: [SESSION_ID] },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ]);
    expect(harness.bus.published('Instance Launched')).toHaveLength(1);
  });
});
