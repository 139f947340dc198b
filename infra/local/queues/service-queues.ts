import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { EventEnvelope } from '../../../contracts/kit/contract';

export interface ServiceQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly deadLetter: { readonly name: string; readonly url: string; readonly arn: string };
}

export interface QueueSettings {
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
}

/** The queue and dead-letter queue of one service, named as in the AWS stack (`kismo-<service>`). */
export async function ensureServiceQueue(
  sqs: SQSClient,
  service: string,
  settings: QueueSettings,
): Promise<ServiceQueue> {
  const name = `kismo-${service}`;
  const dlq = await ensureQueue(sqs, `${name}-dlq`, { MessageRetentionPeriod: String(14 * 24 * 3600) });
  const main = await ensureQueue(sqs, name, {
    VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: settings.maxReceiveCount,
    }),
  });
  return { name, ...main, deadLetter: { name: `${name}-dlq`, ...dlq } };
}

async function ensureQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const url = created.QueueUrl;
  if (!url) throw new Error(`queue ${name} has no URL`);
  // Set after creation: a queue kept from an earlier run keeps its messages and takes the new settings.
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { url, arn: Attributes?.QueueArn ?? `arn:aws:sqs:local:000000000000:${name}` };
}

/** An EventBridge rule's SQS target: the whole event, as JSON, in the message body. */
export async function sendEvent(sqs: SQSClient, queueUrl: string, envelope: EventEnvelope): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(envelope) }));
}

/** Messages waiting, being handled, or delayed: zero when the queue has nothing left to do. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

/** Reads a queue's messages without taking them (they become visible again at once), parsed as events. */
export async function peekQueue(sqs: SQSClient, name: string): Promise<EventEnvelope[]> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  const seen = new Map<string, EventEnvelope>();
  for (let round = 0; round < 10; round++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) break;
    for (const m of Messages) seen.set(m.MessageId ?? '', JSON.parse(m.Body ?? '{}') as EventEnvelope);
    if (Messages.every((m) => seen.has(m.MessageId ?? '')) && round > 0) break;
  }
  return [...seen.values()];
}
