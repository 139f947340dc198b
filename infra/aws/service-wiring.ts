import { Aws, Duration, TimeZone } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { SqsSendMessage } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCHEDULER_SOURCE, scheduledEvent } from '../../contracts/aws/scheduled-event';
import type { PatternContext } from '../../contracts/kit/contract';
import type { KismoConfig } from '../../services/kit/config';
import type { Service } from '../../services/kit/define-service';
import { resolveSchedule } from '../../services/kit/schedule';
import type { Grant } from '../iam/policy';
import { eventPattern, pascal } from './event-routing';
import { KismoFunction } from './kismo-function';

/** SQS's advice: a visibility timeout of six times the function's, so retries never overlap. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

export interface ServiceWiringProps {
  readonly service: Service;
  /** The service's Lambda entry (`services/<name>/handler.ts`). */
  readonly entry: string;
  /** The kismo bus, where the service's rules listen. */
  readonly bus: IEventBus;
  /** Narrows contracts' patterns to this deployment (S3 contracts to the data bucket). */
  readonly patternContext: PatternContext;
  /** The configuration: the schedule's calendar. */
  readonly config: KismoConfig;
  /** The function's environment: `KISMO_CONFIG` and what its capabilities need. */
  readonly environment: Readonly<Record<string, string>>;
  /** IAM from the service's capabilities and emits (`serviceGrants`). */
  readonly grants: readonly Grant[];
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * One service, wired as its definition says: a rule per consumed contract (its pattern from the
 * contract) and its schedule feed an encrypted queue; the queue feeds the function with partial
 * batch responses; what fails `maxReceiveCount` times lands in a dead-letter queue with an alarm.
 */
export class ServiceWiring extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: KismoFunction;
  readonly rules: readonly Rule[];
  readonly schedule?: Schedule;
  readonly deadLetterAlarm: Alarm;
  readonly errorAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ServiceWiringProps) {
    super(scope, id);
    const { service } = props;
    const timeout = Duration.seconds(service.timeoutSeconds);
    // Lambda's SQS poller takes at most 10 records without a batching window.
    const batchingWindow = service.batchSize > 10 ? Duration.seconds(1) : undefined;

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(
        service.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR + (batchingWindow?.toSeconds() ?? 0),
      ),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: service.maxReceiveCount },
    });

    this.function = new KismoFunction(this, 'Function', {
      entry: props.entry,
      serviceName: service.name,
      description: service.description,
      timeout,
      memorySize: service.memoryMb,
      environment: props.environment,
      logRetention: props.logRetention,
    });
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: service.batchSize,
        maxBatchingWindow: batchingWindow,
        reportBatchItemFailures: true,
      }),
    );
    this.function.allow(props.grants);

    this.rules = service.consumes
      .filter((contract) => contract.source !== SCHEDULER_SOURCE)
      .map(
        (contract) =>
          new Rule(this, `Rule${pascal(contract.name)}`, {
            eventBus: props.bus,
            description: `${service.name} consumes ${contract.name}`,
            eventPattern: eventPattern(contract, props.patternContext),
            // Events EventBridge cannot deliver (a queue policy gone wrong) are kept, not dropped.
            targets: [new SqsQueue(this.queue, { deadLetterQueue: this.deadLetterQueue })],
          }),
      );

    if (service.schedule) {
      const { expression, timeZone } = resolveSchedule(service.schedule, props.config);
      this.schedule = new Schedule(this, 'Schedule', {
        description: `${service.name}: ${expression} (${timeZone})`,
        schedule: ScheduleExpression.expression(expression, TimeZone.of(timeZone)),
        target: new SqsSendMessage(this.queue, {
          input: ScheduleTargetInput.fromObject(scheduledEnvelope(service.name)),
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 3,
          maxEventAge: Duration.hours(1),
        }),
      });
    }

    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmName: `kismo-${service.name}-dead-letters`,
      alarmDescription: `${service.name} gave up on events: they wait in its dead-letter queue`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.errorAlarm = new Alarm(this, 'ErrorAlarm', {
      alarmName: `kismo-${service.name}-errors`,
      alarmDescription: `${service.name} failed whole invocations (a crash or a timeout, not one bad record)`,
      metric: this.function.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}

/**
 * What a schedule sends to the queue: an EventBridge-shaped `Scheduled Event`, so it travels the
 * same parser and router as every other event (`contracts/aws/scheduled-event.ts`).
 */
export function scheduledEnvelope(service: string): Record<string, unknown> {
  const contract = scheduledEvent(service);
  return {
    version: '0',
    id: ContextAttribute.executionId,
    'detail-type': contract.detailType,
    source: contract.source,
    account: Aws.ACCOUNT_ID,
    time: ContextAttribute.scheduledTime,
    region: Aws.REGION,
    resources: [],
    detail: { service, scheduledTime: ContextAttribute.scheduledTime },
  };
}
