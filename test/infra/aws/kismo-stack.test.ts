import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { kismoEvents } from '../../../contracts/catalog';
import { STACK_OUTPUTS } from '../../../contracts/stack-outputs';
import { DEFAULT_AMI_PARAMETER } from '../../../infra/aws/context';
import { OWNER, USER_ID } from '../../../infra/iam/user-grants';
import { emptyServicesRoot, flat, statementsOf, synthesize } from './support';

let template: Template;

beforeAll(async () => {
  template = (await synthesize({ context: { owners: ['alice', 'bob.smith'] } })).template;
});

describe('with no service folder yet', () => {
  it('still synthesizes the bus, the bucket and the instance platform', async () => {
    // Act
    const { template: bare } = await synthesize({ servicesRoot: emptyServicesRoot() });

    // Assess
    // The Slack actions endpoint: it answers HTTP, and needs no service folder of the subscribers'.
    bare.resourceCountIs('AWS::Lambda::Function', 1);
    bare.resourceCountIs('AWS::Events::EventBus', 1);
    bare.resourceCountIs('AWS::S3::Bucket', 1);
    bare.resourceCountIs('AWS::EC2::LaunchTemplate', 1);
    expect(Object.keys(bare.toJSON().Outputs).sort()).toEqual(
      [...Object.values(STACK_OUTPUTS), 'SlackActionsUrl', 'SlackSigningSecretParameterName'].sort(),
    );
  });
});

describe('the event bus', () => {
  it('is named kismo and archives its events for 30 days of replay', () => {
    // Assess
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'kismo' });
    template.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 30,
      EventPattern: { account: [{ Ref: 'AWS::AccountId' }] },
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsBus'), 'Arn'] },
    });
  });

  it('receives EC2 state changes from the default bus', () => {
    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      EventPattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsBus'), 'Arn'] } })],
    });
  });

  it('receives kismo’s alarm state changes, which the consuming service (the notifier) then gets', () => {
    // Assess
    const pattern = {
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: [{ prefix: 'kismo-' }] },
    };
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      EventPattern: pattern,
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.anyValue(),
      EventPattern: pattern,
    });
  });

  it('receives the data bucket’s Object Created events that a service consumes, once each', () => {
    // Act
    const forwarded = Object.values(template.findResources('AWS::Events::Rule'))
      .filter((r) => r.Properties.EventBusName === undefined)
      .map((r) => r.Properties.Description as string);

    // Assess
    expect(forwarded.sort()).toEqual([
      'Forwards aws.cloudwatch "CloudWatch Alarm State Change" (CloudWatch Alarm State Change) to the kismo bus',
      'Forwards aws.ec2 "EC2 Instance State-change Notification" (EC2 Instance State-change Notification) to the kismo bus',
      'Forwards aws.s3 "Object Created" (Manifest Created) to the kismo bus',
      'Forwards aws.s3 "Object Created" (Marker Created) to the kismo bus',
    ]);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: {
          bucket: { name: [{ Ref: Match.stringLikeRegexp('^DataBucket') }] },
          object: { key: [{ wildcard: 'users/*/sessions/*/manifest.json' }] },
        },
      },
    });
  });

  it('writes every event to an event log under /aws/events/', () => {
    // Assess
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/events/kismo',
      RetentionInDays: 30,
    });
    const [policy] = Object.values(template.findResources('AWS::Logs::ResourcePolicy'));
    expect(JSON.parse(flat(policy?.Properties.PolicyDocument)).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: expect.stringMatching(/^<EventsEventLog\w+\.Arn>$/),
      },
    ]);
  });
});

describe('the data bucket', () => {
  it('is versioned, encrypted, private, and tells EventBridge about new objects', () => {
    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('aborts incomplete uploads after 7 days, expires activity hours after 7 and old versions after the configured days', () => {
    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'kismo/activity/', ExpirationInDays: 7, Status: 'Enabled' }),
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }),
        ],
      },
    });
  });

  it('refuses any request without TLS, with the policy the local cloud enforces', () => {
    // Act
    const statements = statementsOf(template, 'AWS::S3::BucketPolicy', () => true);

    // Assess
    expect(statements).toEqual([
      expect.objectContaining({
        Sid: 'TlsOnly',
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]);
    expect(statements[0]?.Resource.map((r) => r.replace(/^<DataBucket\w+\.Arn>/, 'bucket'))).toEqual([
      'bucket',
      'bucket/*',
    ]);
  });

  it('keeps old versions as long as cdk.json says', async () => {
    // Act
    const { template: custom } = await synthesize({
      servicesRoot: emptyServicesRoot(),
      context: { noncurrentVersionDays: 90 },
    });

    // Assess
    custom.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } })]),
      },
    });
  });
});

describe('the instance platform', () => {
  it('launches the Deep Learning AMI from its public SSM parameter, IMDSv2 only, on an encrypted gp3 root', () => {
    // Assess
    const parameters = Object.values(
      template.toJSON().Parameters as Record<string, { Type: string; Default: string }>,
    );
    expect(parameters).toContainEqual({
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: DEFAULT_AMI_PARAMETER,
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        ImageId: { Ref: Match.stringLikeRegexp('^SsmParameterValue') },
        MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/sda1',
            Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 200, DeleteOnTermination: true },
          },
        ],
        // Each launch names its owner's instance profile.
        IamInstanceProfile: Match.absent(),
        SecurityGroupIds: [Match.anyValue()],
      }),
    });
  });

  it('takes another image and root size from cdk.json', async () => {
    // Act
    const { template: custom } = await synthesize({
      servicesRoot: emptyServicesRoot(),
      context: { ami: 'ami-0123456789abcdef0', rootVolumeGiB: 500, rootDeviceName: '/dev/xvda' },
    });

    // Assess
    custom.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        ImageId: 'ami-0123456789abcdef0',
        BlockDeviceMappings: [
          Match.objectLike({ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ VolumeSize: 500 }) }),
        ],
      }),
    });
    // The functions price a stopped instance's volume at the size it has.
    const [endpoint] = Object.values(
      custom.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'kismo-slack-actions' } }),
    );
    expect(JSON.stringify(endpoint?.Properties.Environment.Variables.KISMO_CONFIG)).toContain(
      '\\"rootVolumeGiB\\":500',
    );
  });

  it('lets nothing in unless an SSH range is configured', async () => {
    // Act
    const { template: withSsh } = await synthesize({
      servicesRoot: emptyServicesRoot(),
      context: { sshCidr: '203.0.113.0/24' },
    });

    // Assess
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent() });
    withSsh.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [
        {
          CidrIp: '203.0.113.0/24',
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          Description: Match.anyValue(),
        },
      ],
    });
  });

  it('uses the configured VPC and subnets instead of making its own', async () => {
    // Act
    const { template: inVpc } = await synthesize({
      context: {
        vpcId: 'vpc-0abc1234',
        subnets: ['subnet-0aaa1111', 'subnet-0bbb2222'],
        sshCidr: '203.0.113.0/24',
      },
      // CloudFormation's schemas checked too, on this variant (the cdk synth test checks the real app).
      validateTemplate: true,
    });

    // Assess
    inVpc.resourceCountIs('AWS::EC2::VPC', 0);
    inVpc.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: 'vpc-0abc1234' });
    const launch = statementsOf(inVpc, 'AWS::IAM::Policy', (id) =>
      id.startsWith('ServiceSampleLauncher'),
    ).find((s) => s.Sid === 'LaunchWithTheseResources');
    expect(launch?.Resource.filter((r) => r.includes(':subnet/'))).toEqual([
      expect.stringMatching(/:subnet\/subnet-0aaa1111$/),
      expect.stringMatching(/:subnet\/subnet-0bbb2222$/),
    ]);
  });

  it('gives each owner an instance role that reaches their prefix only, with Session Manager', () => {
    // Act
    const statements = statementsOf(template, 'AWS::IAM::Policy', (id) =>
      id.startsWith('InstancesOwnerAlice'),
    );

    // Assess
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'kismo-owner-alice',
      Path: '/kismo/owners/',
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
      }),
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore'],
          ],
        },
      ],
    });
    template.hasResourceProperties('AWS::IAM::InstanceProfile', {
      InstanceProfileName: 'kismo-owner-bob.smith',
      Path: '/kismo/owners/',
    });
    template.resourceCountIs('AWS::IAM::InstanceProfile', 2);
    expect(
      statements.map((s) => [
        s.Sid,
        s.Action,
        s.Resource.map((r) => r.replace(/^<DataBucket\w+\.Arn>/, 'bucket')),
      ]),
    ).toEqual([
      [
        'ReadOwnDatasetsAndManifests',
        's3:GetObject',
        [
          'bucket/users/alice/datasets/*',
          'bucket/users/alice/sessions/*/manifest.json',
          'bucket/users/alice/sessions/*/dataset.tsv',
        ],
      ],
      ['ReadOwnDatasetVersions', 's3:GetObjectVersion', ['bucket/users/alice/datasets/*']],
      ['ListOwnDatasetVersions', 's3:ListBucketVersions', ['bucket']],
      ['ListOwnDatasetsAndOutputs', 's3:ListBucket', ['bucket']],
      [
        'WriteOwnMarkersAndOutputs',
        ['s3:PutObject', 's3:AbortMultipartUpload'],
        [
          'bucket/users/alice/sessions/*/ready.json',
          'bucket/users/alice/sessions/*/failed.json',
          'bucket/users/alice/sessions/*/finished.json',
          'bucket/users/alice/sessions/*/outputs/*',
        ],
      ],
      ['ReportOwnActivity', 's3:PutObject', ['bucket/kismo/activity/alice/*']],
    ]);
    expect(statements.find((s) => s.Sid === 'ListOwnDatasetVersions')?.Condition).toEqual({
      StringLike: { 's3:prefix': ['users/alice/datasets/*'] },
    });
    expect(statements.find((s) => s.Sid === 'ListOwnDatasetsAndOutputs')?.Condition).toEqual({
      StringLike: { 's3:prefix': ['users/alice/datasets/*', 'users/alice/sessions/*/outputs/*'] },
    });
    expect(JSON.stringify(statements), 'no CloudWatch custom metric per instance').not.toContain(
      'cloudwatch',
    );
  });

  it('lets a launch pass any owner’s instance role, and no other role', () => {
    // Act
    const pass = statementsOf(template, 'AWS::IAM::Policy', (id) =>
      id.startsWith('ServiceSampleLauncher'),
    ).find((s) => s.Sid === 'PassInstanceRole');

    // Assess
    expect(pass?.Resource).toEqual([
      expect.stringMatching(/:iam::<AWS::AccountId>:role\/kismo\/owners\/\*$/),
    ]);
    expect(pass?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } });
  });
});

describe('the Slack credentials', () => {
  // SecureString parameters the operator creates (docs/deploy.md, Slack): no resource of the stack's.
  const parameterArn = (name: string) =>
    `arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/kismo/slack/${name}`;
  /** Every statement of a function's role that reads a parameter, and what it reads. */
  const parameterReads = (functionName: string) => {
    const [fn] = Object.values(
      template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: functionName } }),
    );
    if (!fn) throw new Error(`no function ${functionName} in the template`);
    const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: role }] },
    });
    return statementsOf(template, 'AWS::IAM::Policy', (id) => id in policies)
      .filter((s) => [s.Action].flat().some((a) => /^(ssm|secretsmanager|kms):/.test(a)))
      .map((s) => [s.Action, s.Resource]);
  };

  it('are no resources of the stack: the operator puts them, as SecureString parameters', () => {
    // Assess
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.resourceCountIs('AWS::SSM::Parameter', 0);
  });

  it('let the endpoint read the signing secret’s parameter only, and chat services the bot token’s only', () => {
    // Assess
    expect(parameterReads('kismo-slack-actions')).toEqual([
      ['ssm:GetParameter', [parameterArn('signing-secret')]],
    ]);
    expect(parameterReads('kismo-sample-monitor')).toEqual([
      ['ssm:GetParameter', [parameterArn('bot-token')]],
    ]);
    expect(parameterReads('kismo-sample-launcher')).toEqual([]);
  });
});

describe('the KismoUser policy', () => {
  it('reads and writes the caller’s own prefix, lists only it, reads their own cost ledgers, and reaches only their own instances', () => {
    // Act
    const statements = statementsOf(template, 'AWS::IAM::ManagedPolicy', () => true);

    // Assess
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'KismoUser' });
    expect(statements.map((s) => s.Sid)).toEqual([
      'OwnObjects',
      'ListOwnPrefix',
      'ReadOwnUserTags',
      'NeverChooseOwnOwner',
      'ReadStackOutputs',
      'ConnectToOwnInstances',
      'SessionDocuments',
      'OwnSessions',
      'ReadOwnCosts',
      'ListOwnCosts',
    ]);
    const hasOwner = {
      Null: { 'aws:PrincipalTag/kismo-owner': 'false' },
      StringNotLike: { 'aws:PrincipalTag/kismo-owner': '*/*' },
    };
    expect(statements[0]).toMatchObject({
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      Resource: [
        expect.stringMatching(/^<DataBucket\w+\.Arn>\/users\/\$\{aws:PrincipalTag\/kismo-owner\}\/\*$/),
      ],
      Condition: hasOwner,
    });
    expect(statements[1]).toMatchObject({
      Action: 's3:ListBucket',
      Condition: { ...hasOwner, StringLike: { 's3:prefix': [`users/${OWNER}/*`] } },
    });
    expect(statements[2]).toMatchObject({ Action: 'iam:ListUserTags' });
    // Only an administrator names a person's owner: an explicit deny of every way to set the tag.
    expect(statements[3]).toMatchObject({
      Effect: 'Deny',
      Action: ['iam:TagUser', 'iam:UntagUser', 'iam:TagRole', 'iam:UntagRole', 'sts:TagSession'],
      Resource: ['*'],
      Condition: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': ['kismo-owner'] } },
    });
    expect(statements[4]).toMatchObject({
      Action: 'cloudformation:DescribeStacks',
      Resource: ['<AWS::StackId>'],
    });
    expect(statements[5]?.Condition).toEqual({
      ...hasOwner,
      StringEquals: {
        'ssm:resourceTag/kismo:managed': 'true',
        'ssm:resourceTag/kismo:owner': OWNER,
      },
    });
    // Session Manager's own tag holds the starter's user id: alice never matches alice-ops's sessions.
    expect(statements[7]).toMatchObject({
      Action: ['ssm:TerminateSession', 'ssm:ResumeSession'],
      Condition: { StringEquals: { 'ssm:resourceTag/aws:ssmmessages:session-id': USER_ID } },
    });
    // `kismo cost`: their own ledgers, read only; the estimator alone writes them.
    expect(statements[8]).toMatchObject({
      Action: 's3:GetObject',
      Resource: [
        expect.stringMatching(
          /^<DataBucket\w+\.Arn>\/kismo\/costs\/\$\{aws:PrincipalTag\/kismo-owner\}\/\*$/,
        ),
      ],
      Condition: hasOwner,
    });
    expect(statements[9]).toMatchObject({
      Action: 's3:ListBucket',
      Condition: { ...hasOwner, StringLike: { 's3:prefix': [`kismo/costs/${OWNER}/*`] } },
    });
    expect(statements.flatMap((s) => s.Action)).not.toContainEqual(
      expect.stringMatching(/^(ec2|events|lambda|sqs):/),
    );
  });
});

describe('operations', () => {
  it('has no dashboard unless cdk.json asks for one ($3.00 a month beyond the free tier)', () => {
    // Assess
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(Object.keys(template.toJSON().Outputs)).not.toContain('DashboardName');
  });

  it('has, when asked, a dashboard of events per type, errors, dead letters and instances', async () => {
    // Act
    const { template: withDashboard } = await synthesize({ context: { dashboard: true } });
    const [dashboard] = Object.values(withDashboard.findResources('AWS::CloudWatch::Dashboard'));
    const body = flat(dashboard?.Properties.DashboardBody);

    // Assess
    expect(dashboard?.Properties.DashboardName).toBe('kismo');
    expect(flat(withDashboard.toJSON().Outputs.DashboardName.Value)).toMatch(/^<OperationsDashboard\w+>$/);
    for (const title of [
      'Events per type',
      'Instances by last known state',
      'Function errors',
      'Dead letters waiting',
    ]) {
      expect(body).toContain(title);
    }
    expect(body).toContain('kismo-sample-launcher');
    expect(body, 'no custom metrics to graph: activity is in the bucket').not.toContain('kismo/activity');
  });

  it('saves Logs Insights queries by session and by owner over every function’s logs and the event log', () => {
    // Assess
    for (const [name, key] of [
      ['kismo/by-session', 'sessionId'],
      ['kismo/by-owner', 'owner'],
    ]) {
      template.hasResourceProperties('AWS::Logs::QueryDefinition', {
        Name: name,
        QueryString: Match.stringLikeRegexp(`filter ${key} = ".+" or detail\\.${key} = ".+"`),
        LogGroupNames: [
          { Ref: Match.stringLikeRegexp('^EventsEventLog') },
          { Ref: Match.stringLikeRegexp('^ServiceSampleLauncherFunctionLogs') },
          { Ref: Match.stringLikeRegexp('^ServiceSampleMonitorFunctionLogs') },
        ],
      });
    }
  });

  it('registers the catalog’s JSON Schemas (draft 4) in an EventBridge schema registry', () => {
    // Act
    const schemas = Object.values(template.findResources('AWS::EventSchemas::Schema'));

    // Assess
    template.hasResourceProperties('AWS::EventSchemas::Registry', { RegistryName: 'kismo' });
    expect(schemas).toHaveLength(kismoEvents.length);
    expect(schemas.map((s) => s.Properties.SchemaName)).toContain('kismo@InstanceReady-v1');
    for (const schema of schemas) {
      expect(schema.Properties.Type).toBe('JSONSchemaDraft4');
      expect(JSON.parse(schema.Properties.Content).$schema).toBe('http://json-schema.org/draft-04/schema#');
    }
  });
});

describe('the outputs', () => {
  it('are what kismo init reads', () => {
    // Act
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    expect(Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, flat(v.Value)]))).toEqual({
      StackName: '<AWS::StackName>',
      Region: '<AWS::Region>',
      BucketName: expect.stringMatching(/^<DataBucket\w+>$/),
      EventBusName: expect.stringMatching(/^<EventsBus\w+>$/),
      UserPolicyArn: expect.stringMatching(/^<UsersPolicy\w+>$/),
      SlackTokenParameterName: '/kismo/slack/bot-token',
      SlackActionsUrl: expect.stringMatching(/^<SlackActionsUrl\w+\.FunctionUrl>$/),
      SlackSigningSecretParameterName: '/kismo/slack/signing-secret',
    });
  });
});

describe('the Slack actions endpoint', () => {
  it('is a public function URL, at most two at once, that may write owners’ requests and read its signing secret', () => {
    // Act
    const [id, fn] =
      Object.entries(
        template.findResources('AWS::Lambda::Function', {
          Properties: { FunctionName: 'kismo-slack-actions' },
        }),
      )[0] ?? [];
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));

    // Assess
    expect(fn?.Properties).toMatchObject({
      ReservedConcurrentExecutions: 2,
      Timeout: 10,
      Environment: { Variables: { SLACK_SIGNING_SECRET_PARAMETER: '/kismo/slack/signing-secret' } },
    });
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [id, 'Arn'] },
    });
    expect(policies).toContain('/users/*/sessions/*/requests/*');
    expect(policies).toContain('/kismo/claims/slack-actions/*');
  });
});
