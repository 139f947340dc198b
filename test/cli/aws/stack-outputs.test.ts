import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readStackOutputs } from '../../../cli/aws/stack-outputs';
import { CliError } from '../../../cli/errors';

const cloudFormation = mockClient(CloudFormationClient);
const client = new CloudFormationClient({ region: 'ap-northeast-1' });

const outputs = {
  StackName: 'kismo',
  Region: 'ap-northeast-1',
  BucketName: 'kismo-databucket-1a2b3c',
  EventBusName: 'kismo',
  UserPolicyArn: 'arn:aws:iam::123456789012:policy/KismoUser',
  SlackTokenParameterName: '/kismo/slack/bot-token',
};

const deployed = (values: Record<string, string>, status: StackStatus = 'CREATE_COMPLETE') => ({
  Stacks: [
    {
      StackName: 'kismo',
      StackStatus: status,
      CreationTime: new Date('2026-11-28T00:00:00Z'),
      Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

const missingStack = () =>
  new CloudFormationServiceException({
    name: 'ValidationError',
    message: 'Stack with id kismo does not exist',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('readStackOutputs', () => {
  beforeEach(() => {
    cloudFormation.reset();
  });

  it('reads every output kismo init needs from the named stack', async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand, { StackName: 'kismo' }).resolves(deployed(outputs));

    // Act
    const read = await readStackOutputs(client, 'kismo');

    // Assess
    expect(read).toEqual({
      stackName: 'kismo',
      region: 'ap-northeast-1',
      bucket: 'kismo-databucket-1a2b3c',
      busName: 'kismo',
      userPolicyArn: 'arn:aws:iam::123456789012:policy/KismoUser',
      slackTokenParameter: '/kismo/slack/bot-token',
    });
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  it('reads a stack that was updated since it was created', async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand).resolves(deployed(outputs, 'UPDATE_COMPLETE'));

    // Act
    const read = await readStackOutputs(client, 'kismo');

    // Assess
    expect(read.bucket).toBe('kismo-databucket-1a2b3c');
  });

  it('says where the stack is missing and how to deploy it', async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand).rejects(missingStack());

    // Act
    const error = await failure(readStackOutputs(client, 'kismo-test'));

    // Assess
    expect(error.code).toBe('STACK_NOT_FOUND');
    expect(error.message).toMatch(
      /^There is no stack named kismo-test in ap-northeast-1: deploy it with `npx cdk deploy` \(docs\/deploy\.md\)/,
    );
  });

  it('names every output the stack lacks', async () => {
    // Prepare
    const { BucketName: _bucket, UserPolicyArn: _policy, ...older } = outputs;
    cloudFormation.on(DescribeStacksCommand).resolves(deployed(older));

    // Act
    const error = await failure(readStackOutputs(client, 'kismo'));

    // Assess
    expect(error.code).toBe('STACK_OUTPUT_MISSING');
    expect(error.message).toContain('has no output BucketName, UserPolicyArn');
  });

  it('refuses a stack that is still being created or failed', async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand).resolves(deployed({}, 'ROLLBACK_COMPLETE'));

    // Act
    const error = await failure(readStackOutputs(client, 'kismo'));

    // Assess
    expect(error.code).toBe('STACK_NOT_READY');
    expect(error.message).toContain('is ROLLBACK_COMPLETE');
  });

  it('passes other CloudFormation errors through unchanged', async () => {
    // Prepare
    const denied = new CloudFormationServiceException({
      name: 'AccessDenied',
      message: 'User is not authorized to perform: cloudformation:DescribeStacks',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
    });
    cloudFormation.on(DescribeStacksCommand).rejects(denied);

    // Act
    const error = await readStackOutputs(client, 'kismo').catch((e: unknown) => e);

    // Assess
    expect(error).toBe(denied);
  });
});
