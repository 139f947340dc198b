import { existsSync } from 'node:fs';
import path from 'node:path';
import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { kismoEvents } from '../../contracts/catalog';
import type { PatternContext } from '../../contracts/kit/contract';
import { SLACK_PARAMETERS } from '../../contracts/slack-parameters';
import { FUNCTION_ENV, STACK_OUTPUTS } from '../../contracts/stack-outputs';
import { type KismoConfig, parseConfig } from '../../services/kit/config';
import type { DiscoveredService } from '../../services/kit/discover';
import slackActionsEndpoint from '../../services/slack-actions/endpoint';
import { type CapabilityTargets, serviceGrants } from '../iam/service-grants';
import { acknowledge } from './acknowledgements';
import type { KismoSettings } from './context';
import { DataBucket } from './data-bucket';
import { DeadLetters } from './dead-letters';
import { EventRouting, pascal } from './event-routing';
import { InstancePlatform } from './instance-platform';
import { Operations } from './operations';
import { SchemaRegistry } from './schema-registry';
import { ServiceWiring } from './service-wiring';
import { SlackEndpoint } from './slack-endpoint';
import { UserPolicy } from './user-policy';

/** Lambda refuses more than 4 KB of environment; leave room for the other variables. */
const MAX_CONFIG_BYTES = 3500;

export interface KismoStackProps extends StackProps {
  /** The validated `kismo` context. */
  readonly settings: KismoSettings;
  /** Every service folder found (`discoverServices`); none is fine. */
  readonly services: readonly DiscoveredService[];
}

/**
 * kismo's control plane: the bus, the data bucket, the instance platform, one wiring per service
 * folder, the Slack actions endpoint, the user policy, operations, and the outputs `kismo init`
 * reads. The Slack credentials are SSM parameters the operator creates (`SLACK_PARAMETERS`), not
 * resources of the stack. Nothing here names a service: adding a folder under `services/` adds its
 * wiring.
 */
export class KismoStack extends Stack {
  readonly bucket: DataBucket;
  readonly routing: EventRouting;
  readonly platform: InstancePlatform;
  readonly userPolicy: UserPolicy;
  readonly wirings: ReadonlyMap<string, ServiceWiring>;
  readonly slackEndpoint: SlackEndpoint;
  readonly deadLetters: DeadLetters;
  readonly operations: Operations;
  /** What every function gets as `KISMO_CONFIG`, with tokens for what is known only at deploy. */
  readonly config: KismoConfig;

  constructor(scope: Construct, id: string, props: KismoStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.bucket = new DataBucket(this, 'Data', { noncurrentVersionDays: settings.noncurrentVersionDays });
    const patternContext: PatternContext = { bucket: this.bucket.bucket.bucketName };
    this.routing = new EventRouting(this, 'Events', {
      patternContext,
      logRetention: settings.logRetentionDays,
    });
    this.platform = new InstancePlatform(this, 'Instances', {
      bucket: this.bucket.bucket,
      ami: settings.ami,
      rootDeviceName: settings.rootDeviceName,
      rootVolumeGiB: settings.rootVolumeGiB,
      sshCidr: settings.sshCidr,
      network: settings.vpcId ? { vpcId: settings.vpcId, subnetIds: settings.subnets } : undefined,
      owners: settings.owners,
    });

    this.config = this.functionConfig(settings);
    const environment = { [FUNCTION_ENV.config]: this.toJsonString(this.config) };
    const targets: CapabilityTargets = {
      arns: { partition: Aws.PARTITION, region: Aws.REGION, account: Aws.ACCOUNT_ID },
      bucketArn: this.bucket.bucket.bucketArn,
      eventBusArn: this.routing.bus.eventBusArn,
      launch: {
        launchTemplateId: this.platform.launchTemplate.launchTemplateId as string,
        instanceRoleArn: this.platform.roleArnPattern,
        securityGroupId: this.platform.securityGroup.securityGroupId,
        subnetIds: this.platform.subnetIds,
        imageId: this.platform.imageId,
        allowedInstanceTypes: settings.allowedInstanceTypes,
      },
    };

    this.deadLetters = new DeadLetters(this, 'DeadLetters');
    const wirings = new Map<string, ServiceWiring>();
    for (const { service, dir } of props.services) {
      const entry = path.join(dir, 'handler.ts');
      if (!existsSync(entry)) {
        throw new Error(
          `${path.relative(process.cwd(), dir)} has a service.ts but no handler.ts: every service needs its Lambda entry`,
        );
      }
      for (const contract of service.consumes) {
        if (contract.source.startsWith('aws.')) this.routing.forward(contract);
      }
      const needs = service.capabilities;
      wirings.set(
        service.name,
        new ServiceWiring(this, `Service${pascal(service.name)}`, {
          service,
          entry,
          bus: this.routing.bus,
          patternContext,
          config: this.config,
          environment: {
            ...environment,
            ...(needs.compute?.includes('launch')
              ? { [FUNCTION_ENV.launchTemplateId]: targets.launch.launchTemplateId }
              : {}),
            ...(needs.chat ? { [FUNCTION_ENV.slackTokenParameter]: SLACK_PARAMETERS.botToken } : {}),
          },
          grants: serviceGrants(service, targets),
          deadLetterQueue: this.deadLetters.queue,
          logRetention: settings.logRetentionDays,
        }),
      );
    }
    this.wirings = wirings;
    if (![...wirings.values()].some((wiring) => wiring.queue)) {
      // cdk-nag knows a dead-letter queue by the queues that redrive to it: with none yet, say so.
      acknowledge(this.deadLetters.queue, {
        id: 'AwsSolutions-SQS3',
        reason: 'the dead-letter queue of every kismo queue, schedule and rule to come: nothing is behind it',
      });
    }

    this.slackEndpoint = new SlackEndpoint(this, 'SlackActions', {
      environment,
      grants: serviceGrants(slackActionsEndpoint, targets),
      logRetention: settings.logRetentionDays,
    });

    this.userPolicy = new UserPolicy(this, 'Users', { bucket: this.bucket.bucket });
    this.operations = new Operations(this, 'Operations', {
      services: [...wirings].map(([name, wiring]) => ({ name, wiring })),
      eventLog: this.routing.eventLog,
      deadLetters: this.deadLetters.queue,
      dashboard: settings.dashboard,
    });
    new SchemaRegistry(this, 'Schemas', { events: kismoEvents });

    this.output('stackName', Aws.STACK_NAME, 'The stack `kismo init --stack` reads');
    this.output('region', Aws.REGION, 'The region of the control plane and the data bucket');
    this.output('bucket', this.bucket.bucket.bucketName, 'The data bucket: users/<owner>/…');
    this.output('busName', this.routing.bus.eventBusName, 'The kismo event bus');
    this.output('userPolicyArn', this.userPolicy.policy.managedPolicyArn, 'Attach to every kismo user');
    this.output(
      'slackTokenParameter',
      SLACK_PARAMETERS.botToken,
      'Put the Slack bot token here, as a SecureString parameter (docs/deploy.md, Slack)',
    );
    if (this.operations.dashboard) {
      new CfnOutput(this, 'DashboardName', {
        value: this.operations.dashboard.dashboardName,
        description: 'The CloudWatch dashboard (cdk.json kismo.dashboard)',
      });
    }
    new CfnOutput(this, 'SlackActionsUrl', {
      value: this.slackEndpoint.url.url,
      description: "The Slack app's interactivity request URL (docs/deploy.md, Slack)",
    });
    new CfnOutput(this, 'SlackSigningSecretParameterName', {
      value: SLACK_PARAMETERS.signingSecret,
      description:
        "Put the Slack app's signing secret here, as a SecureString parameter (docs/deploy.md, Slack)",
    });
  }

  private output(key: keyof typeof STACK_OUTPUTS, value: string, description: string): void {
    new CfnOutput(this, STACK_OUTPUTS[key], { value, description });
  }

  /** The runtime configuration, validated as the functions will validate it. */
  private functionConfig(settings: KismoSettings): KismoConfig {
    const config = parseConfig(
      {
        region: Aws.REGION,
        bucket: this.bucket.bucket.bucketName,
        busName: this.routing.bus.eventBusName,
        allowedInstanceTypes: settings.allowedInstanceTypes,
        quotaPerOwner: settings.quotaPerOwner,
        subnets: this.platform.subnetIds,
        bootDeadlineMinutes: settings.bootDeadlineMinutes,
        calendar: settings.calendar,
        idle: settings.idle,
        slack: settings.slack,
        // What a stopped instance's volume costs in the reminders: the size the stack gives it.
        rootVolumeGiB: settings.rootVolumeGiB,
      },
      'the stack’s KISMO_CONFIG',
    );
    // Tokens resolve to short ARNs and names; their placeholders are longer, so this errs safe.
    const bytes = Buffer.byteLength(JSON.stringify(config));
    if (bytes > MAX_CONFIG_BYTES) {
      throw new Error(
        `KISMO_CONFIG would be ${bytes} bytes; Lambda allows 4 KB of environment: shorten cdk.json's kismo.slack.users or calendar`,
      );
    }
    return config;
  }
}
