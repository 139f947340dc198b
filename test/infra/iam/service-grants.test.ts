import { describe, expect, it } from 'vitest';
import { instanceReady } from '../../../contracts/events/instance-ready';
import {
  type CapabilityTargets,
  type Grant,
  MUTABLE_TAGS,
  serviceGrants,
  slackSigningSecretGrant,
} from '../../../infra/iam/service-grants';
import type { Capabilities } from '../../../services/kit/capabilities';

const targets: CapabilityTargets = {
  arns: { partition: 'aws', region: 'ap-northeast-1', account: '123456789012' },
  bucketArn: 'arn:aws:s3:::kismo-data',
  eventBusArn: 'arn:aws:events:ap-northeast-1:123456789012:event-bus/kismo',
  launch: {
    launchTemplateId: 'lt-0123456789abcdef0',
    instanceRoleArn: 'arn:aws:iam::123456789012:role/kismo/owners/*',
    securityGroupId: 'sg-0123456789abcdef0',
    subnetIds: ['subnet-0aaa', 'subnet-0bbb'],
    imageId: 'ami-0123456789abcdef0',
    allowedInstanceTypes: ['g5.xlarge', 'p3.2xlarge'],
  },
};

const INSTANCES = 'arn:aws:ec2:ap-northeast-1:123456789012:instance/*';

function grantsFor(capabilities: Capabilities, emits: readonly { source: string }[] = []): Grant[] {
  return serviceGrants({ name: 'probe', capabilities, emits }, targets);
}

/** The statements as IAM will see them, by Sid. */
function bySid(grants: readonly Grant[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    grants.map((g) => {
      const json = g.statement as unknown as Record<string, unknown>;
      return [json.Sid as string, json];
    }),
  );
}

describe('serviceGrants', () => {
  it('grants nothing to a service with no capability that emits nothing', () => {
    // Act
    const grants = grantsFor({});

    // Assess
    expect(grants).toEqual([]);
  });

  it('maps object key patterns to object ARNs of the data bucket, one action each', () => {
    // Act
    const statements = bySid(
      grantsFor({
        objects: {
          read: ['users/*/sessions/*/manifest.json'],
          write: ['users/*/sessions/*/status.json', 'users/*/sessions/*/status.json'],
          delete: ['state/idle/*.json'],
        },
      }),
    );

    // Assess
    expect(statements.GetDeclaredKeys).toMatchObject({
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::kismo-data/users/*/sessions/*/manifest.json',
    });
    expect(statements.PutDeclaredKeys).toMatchObject({
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::kismo-data/users/*/sessions/*/status.json',
    });
    expect(statements.DeleteDeclaredKeys).toMatchObject({
      Action: 's3:DeleteObject',
      Resource: 'arn:aws:s3:::kismo-data/state/idle/*.json',
    });
  });

  it('lets a reader tell a missing key from a forbidden one (ListBucket, so S3 answers 404)', () => {
    // Act
    const statements = bySid(grantsFor({ objects: { read: ['state/idle/*.json'], list: ['state/idle/'] } }));

    // Assess
    expect(statements.TellMissingKeys).toEqual({
      Sid: 'TellMissingKeys',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::kismo-data',
    });
    expect(statements.ListDeclaredPrefixes).toBeUndefined();
  });

  it('limits listing to the declared prefixes when the service reads nothing', () => {
    // Act
    const statements = bySid(grantsFor({ objects: { list: ['state/idle/', 'users/*/sessions/*'] } }));

    // Assess
    expect(statements.ListDeclaredPrefixes).toMatchObject({
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::kismo-data',
      Condition: { StringLike: { 's3:prefix': ['state/idle/*', 'users/*/sessions/*'] } },
    });
  });

  it('refuses a key pattern that is not a key inside the bucket', () => {
    // Act
    const act = () => grantsFor({ objects: { read: ['/users/*'] } });

    // Assess
    expect(act).toThrow('object key pattern "/users/*" must be a key inside the bucket');
  });

  it('limits instance actions to kismo-managed instances by tag', () => {
    // Act
    const statements = bySid(grantsFor({ compute: ['stop', 'start', 'terminate', 'console-output'] }));

    // Assess
    expect(statements.ActOnManagedInstances).toEqual({
      Sid: 'ActOnManagedInstances',
      Effect: 'Allow',
      Action: ['ec2:GetConsoleOutput', 'ec2:StartInstances', 'ec2:StopInstances', 'ec2:TerminateInstances'],
      Resource: INSTANCES,
      Condition: { StringEquals: { 'aws:ResourceTag/kismo:managed': 'true' } },
    });
  });

  it('gives describe the only EC2 statement on *', () => {
    // Act
    const grants = grantsFor({ compute: ['describe'] });

    // Assess
    expect(bySid(grants).DescribeInstances).toMatchObject({ Action: 'ec2:DescribeInstances', Resource: '*' });
    expect(grants[0]?.wildcardReason).toMatch(/no resource-level permissions/);
  });

  it('lets tag change only the tags ownership does not depend on', () => {
    // Act
    const statements = bySid(grantsFor({ compute: ['tag'] }));

    // Assess
    expect(MUTABLE_TAGS).toEqual(['kismo:stopped-by', 'kismo:stopped-at']);
    expect(statements.TagManagedInstances).toMatchObject({
      Action: 'ec2:CreateTags',
      Resource: INSTANCES,
      Condition: {
        StringEquals: { 'aws:ResourceTag/kismo:managed': 'true' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['kismo:stopped-by', 'kismo:stopped-at'] },
      },
    });
  });

  it('lets launch start only tagged, allowed, IMDSv2 instances from the launch template', () => {
    // Act
    const statements = bySid(grantsFor({ compute: ['launch'] }));

    // Assess
    const template = 'arn:aws:ec2:ap-northeast-1:123456789012:launch-template/lt-0123456789abcdef0';
    expect(statements.LaunchFromTemplate).toEqual({
      Sid: 'LaunchFromTemplate',
      Effect: 'Allow',
      Action: 'ec2:RunInstances',
      Resource: INSTANCES,
      Condition: {
        StringEquals: {
          'aws:RequestTag/kismo:managed': 'true',
          'ec2:InstanceType': ['g5.xlarge', 'p3.2xlarge'],
          'ec2:MetadataHttpTokens': 'required',
        },
        ArnEquals: { 'ec2:LaunchTemplate': template },
      },
    });
    expect(statements.LaunchTaggedVolumes).toMatchObject({
      Resource: 'arn:aws:ec2:ap-northeast-1:123456789012:volume/*',
      Condition: { StringEquals: { 'aws:RequestTag/kismo:managed': 'true' } },
    });
    expect(statements.LaunchNetworkInterfaces).toMatchObject({
      Resource: 'arn:aws:ec2:ap-northeast-1:123456789012:network-interface/*',
    });
    expect(statements.LaunchWithTheseResources?.Resource).toEqual([
      template,
      'arn:aws:ec2:ap-northeast-1::image/ami-0123456789abcdef0',
      'arn:aws:ec2:ap-northeast-1:123456789012:security-group/sg-0123456789abcdef0',
      'arn:aws:ec2:ap-northeast-1:123456789012:subnet/subnet-0aaa',
      'arn:aws:ec2:ap-northeast-1:123456789012:subnet/subnet-0bbb',
    ]);
    expect(statements.TagAtLaunch).toMatchObject({
      Action: 'ec2:CreateTags',
      Condition: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
    });
    expect(statements.PassInstanceRole).toEqual({
      Sid: 'PassInstanceRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: 'arn:aws:iam::123456789012:role/kismo/owners/*',
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    });
  });

  it('reads only the Slack token’s parameter for chat, with no KMS grant (aws/ssm allows its use via SSM)', () => {
    // Act
    const grants = grantsFor({ chat: true });

    // Assess
    expect(grants.map((g) => g.statement)).toEqual([
      {
        Sid: 'ReadSlackToken',
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
        Resource: 'arn:aws:ssm:ap-northeast-1:123456789012:parameter/kismo/slack/bot-token',
      },
    ]);
  });

  it('gives the Slack actions endpoint the signing secret’s parameter only', () => {
    // Act
    const grant = slackSigningSecretGrant(targets.arns);

    // Assess
    expect(grant.statement).toEqual({
      Sid: 'ReadSlackSigningSecret',
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: 'arn:aws:ssm:ap-northeast-1:123456789012:parameter/kismo/slack/signing-secret',
    });
    expect(grant.wildcardReason).toBeUndefined();
  });

  it('derives publishing from emits: PutEvents on the kismo bus, as source kismo only', () => {
    // Act
    const statements = bySid(grantsFor({}, [instanceReady]));

    // Assess
    expect(statements.PublishKismoEvents).toEqual({
      Sid: 'PublishKismoEvents',
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: targets.eventBusArn,
      Condition: {
        'ForAllValues:StringEquals': { 'events:source': ['kismo'] },
        Null: { 'events:source': 'false' },
      },
    });
  });

  it('explains every wildcard it grants, and only those', () => {
    // Act
    const grants = grantsFor(
      {
        objects: { read: ['users/*/x.json'], write: ['users/*/y.json'], delete: ['a/*'], list: ['a/'] },
        compute: ['launch', 'describe', 'stop', 'start', 'terminate', 'tag', 'console-output'],
        chat: true,
      },
      [instanceReady],
    );

    // Assess
    for (const grant of grants) {
      const json = JSON.stringify(grant.statement.Resource);
      expect(Boolean(grant.wildcardReason), `${grant.statement.Sid}: ${json}`).toBe(json.includes('*'));
    }
  });
});
