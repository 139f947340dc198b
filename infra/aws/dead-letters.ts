import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The one alarm's name: the notifier posts every `kismo-` alarm to the operators' channel. */
export const DEAD_LETTER_ALARM = 'kismo-dead-letters';

/**
 * Where every service's failures wait, and the one alarm on them. One queue for all services
 * rather than one each: CloudWatch charges an alarm per metric it watches ($0.10 a month), so one
 * alarm over eight queues would cost as much as eight. Which service gave up on a message is in it:
 * SQS's `DeadLetterQueueSourceArn` (a service's queue, which a redrive returns it to), Lambda's
 * `ErrorCode` and `ErrorMessage` (a schedule's tick), or EventBridge's and Scheduler's own error
 * attributes (an event they could not deliver).
 */
export class DeadLetters extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.alarm = new Alarm(this, 'Alarm', {
      alarmName: DEAD_LETTER_ALARM,
      alarmDescription:
        'A kismo service gave up on a message: it waits in the dead-letter queue. Each message says where it came from (DeadLetterQueueSourceArn, or ErrorMessage); docs/deploy.md, step 7, says how to redrive.',
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
