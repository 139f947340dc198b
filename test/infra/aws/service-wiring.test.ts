import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { instanceRestarted } from '../../../contracts/events/instance-restarted';
import { FUNCTION_ENV } from '../../../contracts/stack-outputs';
import { ServiceWiring } from '../../../infra/aws/service-wiring';
import { parseConfig } from '../../../services/kit/config';
import { defineService } from '../../../services/kit/define-service';
import { emptyServicesRoot, FIXTURE_SERVICES, flat, statementsOf, synthesize } from './support';

let template: Template;
let empty: Template;

beforeAll(async () => {
  template = (await synthesize()).template;
  empty = (await synthesize({ servicesRoot: emptyServicesRoot() })).template;
});

const launcherFunction = () => {
  const [id, resource] = Object.entries(
    template.findResources('AWS::Lambda::Function', {
      Properties: { FunctionName: 'kismo-sample-launcher' },
    }),
  )[0] ?? ['', {}];
  return { id, properties: (resource as { Properties: Record<string, unknown> }).Properties };
};

describe('a service folder', () => {
  it('adds its queue, function, rules and schedule, and no alarm, with no change in infra/', () => {
    // Prepare
    const infraSources = readdirSync(path.join(import.meta.dirname, '../../../infra/aws'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(path.join(import.meta.dirname, '../../../infra/aws', f), 'utf8'))
      .join('\n');

    // Act
    const before = empty.toJSON().Resources as Record<string, { Type: string }>;
    const after = template.toJSON().Resources as Record<string, { Type: string }>;
    const count = (resources: Record<string, { Type: string }>, type: string) =>
      Object.values(resources).filter((r) => r.Type === type).length;

    // Assess
    expect(readdirSync(FIXTURE_SERVICES).sort()).toEqual(['sample-launcher', 'sample-monitor']);
    expect(infraSources).not.toMatch(/sample-(launcher|monitor)/);
    // Before: the Slack actions endpoint only, which is no subscriber, and the one dead-letter queue.
    expect(count(before, 'AWS::Lambda::Function')).toBe(1);
    expect(count(after, 'AWS::Lambda::Function')).toBe(3);
    expect(count(before, 'AWS::SQS::Queue')).toBe(1);
    expect(count(after, 'AWS::SQS::Queue')).toBe(3);
    expect(count(after, 'AWS::Lambda::EventSourceMapping')).toBe(2);
    expect(count(after, 'AWS::Scheduler::Schedule')).toBe(1);
    // One alarm, on the shared dead-letter queue, however many services.
    expect(count(before, 'AWS::CloudWatch::Alarm')).toBe(1);
    expect(count(after, 'AWS::CloudWatch::Alarm')).toBe(1);
  });
});

describe('the function', () => {
  it('runs on arm64 and nodejs22.x with JSON logs, its definition’s timeout and memory', () => {
    // Act
    const { properties } = launcherFunction();

    // Assess
    expect(properties).toMatchObject({
      Architectures: ['arm64'],
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 60,
      MemorySize: 512,
      Description: 'Fixture: launches an instance for each session manifest',
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' },
    });
  });

  it('gets the configuration, its logger’s name and source maps in its environment', () => {
    // Act
    const variables = (launcherFunction().properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    const config = JSON.parse(flat(variables[FUNCTION_ENV.config]).replace(/<[^>]+>/g, 'token')) as Record<
      string,
      unknown
    >;

    // Assess
    expect(variables.POWERTOOLS_SERVICE_NAME).toBe('sample-launcher');
    expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
    expect(config).toMatchObject({
      region: 'token',
      bucket: 'token',
      busName: 'token',
      allowedInstanceTypes: ['g4dn.xlarge', 'g5.xlarge', 'g5.2xlarge', 'p3.2xlarge'],
      quotaPerOwner: 2,
      subnets: ['token', 'token'],
      calendar: { timeZone: 'Asia/Tokyo', start: '09:00', end: '19:00' },
      slack: { channel: '#kismo', operatorsChannel: '#kismo-ops' },
    });
  });

  it('gets the launch template only when it may launch, and the Slack token’s parameter only when it may chat', () => {
    // Act
    const functions = template.findResources('AWS::Lambda::Function');
    const env = (name: string) =>
      Object.values(functions).find((f) => f.Properties.FunctionName === name)?.Properties.Environment
        .Variables;

    // Assess
    expect(Object.keys(env('kismo-sample-launcher'))).toContain(FUNCTION_ENV.launchTemplateId);
    expect(Object.keys(env('kismo-sample-launcher'))).not.toContain(FUNCTION_ENV.slackTokenParameter);
    expect(env('kismo-sample-monitor')[FUNCTION_ENV.slackTokenParameter]).toBe('/kismo/slack/bot-token');
    expect(Object.keys(env('kismo-sample-monitor'))).not.toContain(FUNCTION_ENV.launchTemplateId);
  });

  it('logs to its own log group, kept for the configured retention', () => {
    // Assess
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/kismo-sample-launcher',
      RetentionInDays: 30,
    });
  });

  it('reads its queue in batches with partial batch responses', () => {
    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: launcherFunction().id },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('the queues', () => {
  it('are encrypted, and the visibility timeout is six times the function’s timeout', () => {
    // Assess
    const shared = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLettersQueue'), 'Arn'] };
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: shared },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180,
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: shared },
    });
  });

  it('refuse requests without TLS', () => {
    // Act
    const statements = statementsOf(template, 'AWS::SQS::QueuePolicy', () => true);

    // Assess
    expect(
      statements.filter((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
    ).toHaveLength(3);
  });

  it('share one dead-letter queue, whose one alarm, kismo-dead-letters, fires as soon as a message lands', () => {
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'kismo-dead-letters',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLettersQueue'), 'QueueName'] },
        },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('the rules', () => {
  it('put each consumed contract’s own pattern on the kismo bus, into the service’s queue', () => {
    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      Description: 'sample-monitor consumes Instance Ready v1',
      EventBusName: Match.anyValue(),
      EventPattern: { source: ['kismo'], 'detail-type': ['Instance Ready'], detail: { version: [1] } },
      Targets: [Match.objectLike({ Arn: Match.anyValue(), DeadLetterConfig: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Description: 'sample-launcher consumes Manifest Created',
      EventBusName: Match.anyValue(),
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: {
          bucket: { name: [Match.anyValue()] },
          object: { key: [{ wildcard: 'users/*/sessions/*/manifest.json' }] },
        },
      },
    });
  });

  it('make one rule per consumed contract, none for the schedule', () => {
    // Act
    const rules = Object.values(template.findResources('AWS::Events::Rule'))
      .map((r) => r.Properties.Description as string)
      .filter((d) => d.startsWith('sample-monitor consumes'));

    // Assess
    expect(rules.sort()).toEqual([
      'sample-monitor consumes CloudWatch Alarm State Change',
      'sample-monitor consumes EC2 Instance State-change Notification',
      'sample-monitor consumes Instance Ready v1',
      'sample-monitor consumes Marker Created',
    ]);
  });
});

describe('the schedule', () => {
  it('sends an EventBridge-shaped Scheduled Event to the queue, in the calendar’s time zone', () => {
    // Act
    const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    const input = flat(schedule?.Properties.Target.Input);

    // Assess
    expect(schedule?.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      ScheduleExpressionTimezone: 'Asia/Tokyo',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
    expect(JSON.parse(input)).toEqual({
      version: '0',
      id: '<aws.scheduler.execution-id>',
      'detail-type': 'Scheduled Event',
      source: 'kismo.scheduler',
      account: '<AWS::AccountId>',
      time: '<aws.scheduler.scheduled-time>',
      region: '<AWS::Region>',
      resources: [],
      detail: { service: 'sample-monitor', scheduledTime: '<aws.scheduler.scheduled-time>' },
    });
  });
});

describe('a schedule at business-hours start', () => {
  it('runs on the calendar’s weekdays at its start time, in its time zone', () => {
    // Prepare
    const stack = new Stack(
      new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } }),
      'Probe',
    );
    const service = defineService({
      name: 'sample-restarter',
      description: 'Fixture: restarts at the start of business hours',
      consumes: [],
      emits: [instanceRestarted],
      schedule: { expression: 'cron(0 9 ? * MON-FRI *)', at: 'business-hours-start' },
      capabilities: {},
      idempotent: true,
      handle: async () => {},
    });
    const config = parseConfig({
      bucket: 'kismo-data',
      calendar: { timeZone: 'Europe/Paris', weekdays: [1, 2, 3, 4], start: '08:30' },
    });

    const deadLetterQueue = new Queue(stack, 'DeadLetters');

    // Act
    new ServiceWiring(stack, 'Restarter', {
      service,
      entry: path.join(FIXTURE_SERVICES, 'sample-monitor', 'handler.ts'),
      bus: new EventBus(stack, 'Bus'),
      patternContext: {},
      config,
      environment: {},
      grants: [],
      deadLetterQueue,
    });

    // Assess: no queue of its own (it consumes no event): the schedule invokes the function, whose
    // failed ticks Lambda retries twice and then sends to the stack's dead-letter queue.
    const wired = Template.fromStack(stack);
    wired.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 8 ? * MON,TUE,WED,THU *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RestarterFunction'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLetters'), 'Arn'] } },
      }),
    });
    wired.resourceCountIs('AWS::SQS::Queue', 1);
    wired.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    wired.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLetters'), 'Arn'] } },
    });
    wired.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
    });
  });
});

describe('the function’s IAM', () => {
  const policyOf = (service: string) =>
    statementsOf(template, 'AWS::IAM::Policy', (id) => id.startsWith(`Service${service}FunctionRole`));

  it('holds its capabilities, its queue and its log group, and nothing else', () => {
    // Act
    const sids = policyOf('SampleMonitor').map(
      (s) => s.Sid ?? (Array.isArray(s.Action) ? s.Action[0] : s.Action),
    );

    // Assess
    expect(sids).toEqual([
      'logs:CreateLogStream',
      'PutDeclaredKeys',
      'DeleteDeclaredKeys',
      'ListDeclaredPrefixes',
      'DescribeInstances',
      'ActOnManagedInstances',
      'ReadSlackToken',
      'PublishKismoEvents',
      'sqs:ReceiveMessage',
    ]);
  });

  it('scopes launching to the stack’s launch template, image, security group and subnets', () => {
    // Act
    const launch = policyOf('SampleLauncher').find((s) => s.Sid === 'LaunchWithTheseResources');

    // Assess
    expect(launch?.Resource).toEqual([
      expect.stringMatching(/:launch-template\/<InstancesLaunchTemplate\w+>$/),
      expect.stringMatching(/::image\/<SsmParameterValue\w+Parameter>$/),
      expect.stringMatching(/:security-group\/<InstancesSecurityGroup\w+\.GroupId>$/),
      expect.stringMatching(/:subnet\/<InstancesVpcinstancesSubnet1\w+>$/),
      expect.stringMatching(/:subnet\/<InstancesVpcinstancesSubnet2\w+>$/),
    ]);
  });
});
