import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { init } from '../../cli/commands/init';

const globals = { json: true, debug: false };
const outputs = {
  StackName: 'kismo',
  Region: 'ap-northeast-1',
  BucketName: 'kismo-data-123',
  EventBusName: 'kismo',
  UserPolicyArn: 'arn:aws:iam::1:policy/KismoUser',
  SlackTokenSecretArn: 'arn:aws:secretsmanager:ap-northeast-1:1:secret:kismo/slack',
  DashboardName: 'kismo',
};

describe('kismo init', () => {
  const cfn = mockClient(CloudFormationClient);
  let home: string;
  const saved = process.env.XDG_CONFIG_HOME;

  beforeEach(() => {
    cfn.reset();
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-init-'));
    process.env.XDG_CONFIG_HOME = home;
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env.XDG_CONFIG_HOME = saved;
    rmSync(home, { recursive: true, force: true });
  });

  it('writes an AWS profile from the stack outputs', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand, { StackName: 'kismo' }).resolves({
      Stacks: [
        {
          StackName: 'kismo',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });

    // Act
    await init({}, globals, new CloudFormationClient({ region: 'ap-northeast-1' }));

    // Assess
    const config = JSON.parse(readFileSync(path.join(home, 'kismo/config.json'), 'utf8'));
    expect(config.profiles.aws).toEqual({
      kind: 'aws',
      region: 'ap-northeast-1',
      bucket: 'kismo-data-123',
      busName: 'kismo',
      stackName: 'kismo',
    });
    expect(config.profiles.aws.credentials).toBeUndefined();
  });

  it('says how to deploy when there is no such stack, and writes nothing', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id nope does not exist'), { name: 'ValidationError' }));

    // Act
    const failure = init({ stack: 'nope' }, globals, new CloudFormationClient({ region: 'ap-northeast-1' }));

    // Assess
    await expect(failure).rejects.toMatchObject({
      code: 'STACK_NOT_FOUND',
      message: expect.stringMatching(/cdk deploy/),
    });
    expect(() => readFileSync(path.join(home, 'kismo/config.json'))).toThrow();
  });
});
