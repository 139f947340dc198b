import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { IAMClient, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { init } from '../../cli/commands/init';

const globals = { json: true, debug: false };
const outputs = {
  StackName: 'kismo',
  Region: 'ap-northeast-1',
  BucketName: 'kismo-data-123',
  EventBusName: 'kismo',
  UserPolicyArn: 'arn:aws:iam::111122223333:policy/KismoUser',
  SlackTokenParameterName: '/kismo/slack/bot-token',
};
const ANA = 'arn:aws:iam::111122223333:user/engineering/ana';
const CAROL =
  'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_KismoUser_0123456789abcdef/carol@example.com';

const denied = () =>
  new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } });

describe('kismo init', () => {
  const cfn = mockClient(CloudFormationClient);
  const sts = mockClient(STSClient);
  const iam = mockClient(IAMClient);
  const s3 = mockClient(S3Client);
  let home: string;
  const saved = process.env.XDG_CONFIG_HOME;
  const profile = () => JSON.parse(readFileSync(path.join(home, 'kismo/config.json'), 'utf8')).profiles.aws;

  beforeEach(() => {
    for (const client of [cfn, sts, iam, s3]) client.reset();
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
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-init-'));
    process.env.XDG_CONFIG_HOME = home;
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env.XDG_CONFIG_HOME = saved;
    rmSync(home, { recursive: true, force: true });
  });

  it("writes an AWS profile from the stack outputs, with the owner an IAM user's own tag names", async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({ Arn: ANA, Account: '111122223333', UserId: 'AIDAEXAMPLE' });
    iam
      .on(ListUserTagsCommand, { UserName: 'ana' })
      .resolves({ Tags: [{ Key: 'Kismo-Owner', Value: 'ana.s' }] });

    // Act
    await init({ region: 'ap-northeast-1' }, globals);

    // Assess
    expect(profile()).toEqual({
      kind: 'aws',
      region: 'ap-northeast-1',
      bucket: 'kismo-data-123',
      busName: 'kismo',
      stackName: 'kismo',
      owner: 'ana.s',
      principal: ANA,
    });
    expect(s3.calls()).toHaveLength(0);
  });

  it('proves an Identity Center user’s owner by listing it, and remembers the AWS profile', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({ Arn: CAROL });
    s3.on(ListObjectsV2Command, { Prefix: 'users/carol@example.com/' }).resolves({ KeyCount: 0 });

    // Act
    await init({ region: 'ap-northeast-1', awsProfile: 'team' }, globals);

    // Assess
    expect(profile()).toMatchObject({ owner: 'carol@example.com', principal: CAROL, awsProfile: 'team' });
    expect(iam.calls()).toHaveLength(0);
  });

  it('tells an untagged IAM user who can fix it and how, and writes nothing', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({ Arn: ANA });
    iam.on(ListUserTagsCommand).resolves({ Tags: [{ Key: 'team', Value: 'ml' }] });

    // Act
    const failure = init({ region: 'ap-northeast-1' }, globals);

    // Assess
    await expect(failure).rejects.toMatchObject({
      code: 'NO_OWNER',
      message: expect.stringContaining('aws iam tag-user --user-name ana --tags Key=kismo-owner,Value=ana'),
    });
    expect(() => readFileSync(path.join(home, 'kismo/config.json'))).toThrow();
  });

  it('tells a session IAM gives no folder to map the attribute, or to name its owner', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({ Arn: CAROL });
    s3.on(ListObjectsV2Command).rejects(denied());

    // Act
    const failure = init({ region: 'ap-northeast-1' }, globals);

    // Assess
    await expect(failure).rejects.toMatchObject({
      code: 'NO_OWNER',
      message: expect.stringMatching(
        /no folder users\/carol@example\.com\/.*attributes for access control.*--owner/,
      ),
    });
  });

  it('lets in a role assumed through another identity provider, as the owner its session tag names', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({
      Arn: 'arn:aws:sts::111122223333:assumed-role/DataScientists/dan',
    });
    s3.on(ListObjectsV2Command, { Prefix: 'users/dan/' }).resolves({ KeyCount: 0 });
    s3.on(ListObjectsV2Command, { Prefix: 'users/erin/' }).rejects(denied());

    // Act
    await init({ region: 'ap-northeast-1' }, globals);
    const written = profile();
    sts.on(GetCallerIdentityCommand).resolves({
      Arn: 'arn:aws:sts::111122223333:assumed-role/DataScientists/erin',
    });
    const untagged = init({ region: 'ap-northeast-1', name: 'erin' }, globals);

    // Assess
    expect(written).toMatchObject({
      owner: 'dan',
      principal: 'arn:aws:sts::111122223333:assumed-role/DataScientists/dan',
    });
    await expect(untagged).rejects.toMatchObject({
      code: 'NO_OWNER',
      message: expect.stringMatching(/give your role's sessions a kismo-owner tag/),
    });
  });

  it('takes an owner the person names only when IAM proves it is theirs', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({ Arn: CAROL });
    s3.on(ListObjectsV2Command, { Prefix: 'users/carol/' }).resolves({ KeyCount: 0 });
    s3.on(ListObjectsV2Command, { Prefix: 'users/bob/' }).rejects(denied());

    // Act
    await init({ region: 'ap-northeast-1', owner: 'carol' }, globals);
    const claimBob = init({ region: 'ap-northeast-1', owner: 'bob' }, globals);

    // Assess
    expect(profile()).toMatchObject({ owner: 'carol' });
    await expect(claimBob).rejects.toMatchObject({ code: 'NO_OWNER' });
  });

  it('refuses the root user and an owner the tag does not give', async () => {
    // Prepare
    sts
      .on(GetCallerIdentityCommand)
      .resolvesOnce({ Arn: 'arn:aws:iam::111122223333:root' })
      .resolves({ Arn: ANA });
    iam.on(ListUserTagsCommand).resolves({ Tags: [{ Key: 'kismo-owner', Value: 'ana' }] });

    // Act
    const root = init({ region: 'ap-northeast-1' }, globals);
    const claim = init({ region: 'ap-northeast-1', owner: 'bob' }, globals);

    // Assess
    await expect(root).rejects.toMatchObject({
      code: 'NOT_A_PERSON',
      message: expect.stringMatching(/root user/),
    });
    await expect(claim).rejects.toMatchObject({ code: 'NOT_YOUR_OWNER' });
  });

  it('says how to deploy when there is no such stack, and writes nothing', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id nope does not exist'), { name: 'ValidationError' }));

    // Act
    const failure = init({ stack: 'nope', region: 'ap-northeast-1' }, globals);

    // Assess
    await expect(failure).rejects.toMatchObject({
      code: 'STACK_NOT_FOUND',
      message: expect.stringMatching(/cdk deploy/),
    });
    expect(() => readFileSync(path.join(home, 'kismo/config.json'))).toThrow();
  });

  it('turns the SDK’s bare messages into coded ones with the next step', async () => {
    // Prepare
    const sdkError = (name: string, message: string) => Object.assign(new Error(message), { name });

    // Act
    cfn
      .on(DescribeStacksCommand)
      .rejectsOnce(sdkError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const noCredentials = init({ region: 'ap-northeast-1' }, globals);
    await expect(noCredentials).rejects.toMatchObject({
      code: 'NO_CREDENTIALS',
      message: expect.stringMatching(/aws configure.*aws sso login/),
    });
    cfn.on(DescribeStacksCommand).rejectsOnce(sdkError('Error', 'Region is missing'));
    const noRegion = init({}, globals);

    // Assess
    await expect(noRegion).rejects.toMatchObject({
      code: 'NO_REGION',
      message: expect.stringMatching(/--region/),
    });
  });
});
