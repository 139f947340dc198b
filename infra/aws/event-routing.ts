import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { EventBus, type EventPattern, type IRuleTarget, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, ResourcePolicy, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ec2StateChange } from '../../contracts/aws/ec2-state-change';
import type { Contract, PatternContext } from '../../contracts/kit/contract';
import { slug } from '../../contracts/kit/json-schema';

export interface EventRoutingProps {
  /** @default 'kismo' */
  readonly busName?: string;
  /** Replay window of the archive. @default Duration.days(30) */
  readonly archiveRetention?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Narrows the AWS events forwarded (S3 contracts to the data bucket). */
  readonly patternContext: PatternContext;
}

/** A contract's pattern as the CDK's type (it passes the raw EventBridge keys through). */
export function eventPattern(contract: Contract, context: PatternContext): EventPattern {
  return contract.pattern(context) as EventPattern;
}

/**
 * The kismo bus and what feeds it. AWS services publish to the account's default bus; each AWS
 * contract a service consumes is forwarded from there by one rule with the contract's own pattern,
 * so only what someone consumes crosses over, and everything kismo reacts to is on one bus: in
 * its archive (replayable), in its event log, and matched by the same rules as in the local cloud.
 * EC2 state changes are always forwarded: the dashboard counts instances by them.
 */
export class EventRouting extends Construct {
  readonly bus: EventBus;
  /** Every event on the bus, as JSON lines: events per type and instance states for the dashboard. */
  readonly eventLog: LogGroup;
  private readonly forwarders = new Map<string, Rule>();
  private readonly patternContext: PatternContext;

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    this.patternContext = props.patternContext;
    const busName = props.busName ?? 'kismo';
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: busName,
      description: 'kismo: every kismo event, and the AWS events kismo consumes',
    });
    this.bus.archive('Archive', {
      description: 'Every event on the kismo bus, kept for replay',
      eventPattern: { account: [Aws.ACCOUNT_ID] },
      retention: props.archiveRetention ?? Duration.days(30),
    });

    // EventBridge writes only to log groups named /aws/events/…
    this.eventLog = new LogGroup(this, 'EventLog', {
      logGroupName: `/aws/events/${busName}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new Rule(this, 'LogEveryEvent', {
      eventBus: this.bus,
      description: 'Writes every event on the kismo bus to its event log',
      eventPattern: { account: [Aws.ACCOUNT_ID] },
      targets: [logGroupTarget(this, this.eventLog)],
    });

    this.forward(ec2StateChange);
  }

  /** Forwards a consumed AWS contract from the default bus (once, however many services consume it). */
  forward(contract: Contract): Rule {
    const known = this.forwarders.get(contract.name);
    if (known) return known;
    const rule = new Rule(this, `Forward${pascal(contract.name)}`, {
      description: `Forwards ${contract.source} "${contract.detailType}" (${contract.name}) to the kismo bus`,
      eventPattern: eventPattern(contract, this.patternContext),
      targets: [new EventBusTarget(this.bus)],
    });
    this.forwarders.set(contract.name, rule);
    return rule;
  }
}

/**
 * A log group target with a native resource policy (the CDK's CloudWatchLogGroup target writes
 * the policy through a custom-resource Lambda).
 */
function logGroupTarget(scope: Construct, logGroup: LogGroup): IRuleTarget {
  new ResourcePolicy(scope, 'EventLogPolicy', {
    policyStatements: [
      new PolicyStatement({
        principals: [
          new ServicePrincipal('events.amazonaws.com'),
          new ServicePrincipal('delivery.logs.amazonaws.com'),
        ],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    ],
  });
  const arn = Stack.of(scope).formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: logGroup.logGroupName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return { bind: () => ({ arn }) };
}

/** A contract's name as a construct id: `Manifest Created` → `ManifestCreated`. */
export function pascal(text: string): string {
  return slug(text)
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
