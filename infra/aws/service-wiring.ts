import { Aws, Duration, TimeZone } from 'aws-cdk-lib';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, SqsSendMessage } from 'aws-cdk-lib/aws-scheduler-targets';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCHEDULER_SOURCE, scheduledEvent } from '../../contracts/aws/scheduled-event';
import type { PatternContext } from '../../contracts/kit/contract';
import type { KismoConfig } from '../../services/kit/config';
import { type Service, scheduledOnly } from '../../services/kit/define-service';
import { resolveSchedule } from '../../services/kit/schedule';
import type { Grant } from '../iam/policy';
import { acknowledgeGrants } from './acknowledgements';
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
  /** The stack's one dead-letter queue, where every service's failures wait (`DeadLetters`). */
  readonly deadLetterQueue: IQueue;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * One service, wired as its definition says: a rule per consumed contract (its pattern from the
 * contract) and its schedule feed an encrypted queue; the queue feeds the function with partial
 * batch responses; what fails `maxReceiveCount` times lands in the stack's dead-letter queue. A
 * service that consumes no event (`scheduledOnly`) has no queue: its schedule invokes the function
 * directly, and what still fails after Lambda's two retries lands in the same dead-letter queue.
 */
export class ServiceWiring extends Construct {
  /** The service's queue; none for a service that only runs on its schedule. */
  readonly queue?: Queue;
  readonly function: KismoFunction;
  readonly rules: readonly Rule[];
  readonly schedule?: Schedule;

  constructor(scope: Construct, id: string, props: ServiceWiringProps) {
    super(scope, id);
    const { service, deadLetterQueue } = props;
    const direct = scheduledOnly(service);
    const timeout = Duration.seconds(service.timeoutSeconds);
    // Lambda's SQS poller takes at most 10 records without a batching window.
    const batchingWindow = service.batchSize > 10 ? Duration.seconds(1) : undefined;

    this.function = new KismoFunction(this, 'Function', {
      entry: props.entry,
      serviceName: service.name,
      description: service.description,
      timeout,
      memorySize: service.memoryMb,
      environment: props.environment,
      logRetention: props.logRetention,
      ...(direct ? { deadLetterQueue } : {}),
    });
    this.function.allow(props.grants);

    const queue = direct
      ? undefined
      : new Queue(this, 'Queue', {
          encryption: QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          visibilityTimeout: Duration.seconds(
            service.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR + (batchingWindow?.toSeconds() ?? 0),
          ),
          deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: service.maxReceiveCount },
        });
    this.queue = queue;
    if (queue) {
      this.function.addEventSource(
        new SqsEventSource(queue, {
          batchSize: service.batchSize,
          maxBatchingWindow: batchingWindow,
          reportBatchItemFailures: true,
        }),
      );
    }

    this.rules = queue
      ? service.consumes
          .filter((contract) => contract.source !== SCHEDULER_SOURCE)
          .map(
            (contract) =>
              new Rule(this, `Rule${pascal(contract.name)}`, {
                eventBus: props.bus,
                description: `${service.name} consumes ${contract.name}`,
                eventPattern: eventPattern(contract, props.patternContext),
                // Events EventBridge cannot deliver (a queue policy gone wrong) are kept, not dropped.
                targets: [new SqsQueue(queue, { deadLetterQueue })],
              }),
          )
      : [];

    if (service.schedule) {
      const { expression, timeZone } = resolveSchedule(service.schedule, props.config);
      const delivery = {
        input: ScheduleTargetInput.fromObject(scheduledEnvelope(service.name)),
        // What the scheduler cannot hand over (a permission gone wrong) is kept, not dropped.
        deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      };
      this.schedule = new Schedule(this, 'Schedule', {
        description: `${service.name}: ${expression} (${timeZone})`,
        schedule: ScheduleExpression.expression(expression, TimeZone.of(timeZone)),
        target: queue
          ? new SqsSendMessage(queue, delivery)
          : new LambdaInvoke(this.function, { ...delivery, role: this.invokerRole(service.name) }),
      });
    }
  }

  /**
   * The schedule's own role, to invoke this function only. CDK grants it the function's ARN and
   * `ARN:*` (its versions and aliases; kismo publishes none), the one wildcard acknowledged here.
   */
  private invokerRole(serviceName: string): Role {
    const role = new Role(this, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: `kismo ${serviceName}: its schedule invokes its function`,
    });
    acknowledgeGrants(role, [
      {
        statement: {
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: [`${this.function.functionArn}:*`],
        },
        wildcardReason: 'the function’s versions and aliases, as CDK grants an invoke; kismo publishes none',
      },
    ]);
    return role;
  }
}

/**
 * What a schedule sends to the queue or the function: an EventBridge-shaped `Scheduled Event`, so
 * it travels the same parser and router as every other event (`contracts/aws/scheduled-event.ts`).
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
