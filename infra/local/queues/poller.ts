import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface PollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  /** Records per invocation (Lambda's batch size; SQS hands out at most 10 a receive). */
  readonly batchSize: number;
  /** Invokes the function with a batch, as Lambda's event source mapping does. */
  readonly invoke: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  /** A function that throws fails its whole batch: every record is retried. */
  readonly onInvokeError?: (error: unknown) => void;
  /** Long-poll wait; short so a stopping cloud and re-visible messages are not kept waiting. @default 1 */
  readonly waitSeconds?: number;
}

/**
 * Lambda's SQS event source mapping, locally: receive a batch, invoke, then delete only the records
 * the function did not report in `batchItemFailures`. Failed records come back after the queue's
 * visibility timeout; SQS itself moves them to the dead-letter queue after `maxReceiveCount`.
 */
export class QueuePoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private abort = new AbortController();
  private inFlight = 0;

  constructor(private readonly options: PollerOptions) {}

  /** True while a batch is being handled. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let messages: Message[] = [];
      try {
        const received = await this.options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.options.queueUrl,
            MaxNumberOfMessages: Math.min(this.options.batchSize, 10),
            WaitTimeSeconds: this.options.waitSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: this.abort.signal },
        );
        messages = received.Messages ?? [];
      } catch (error) {
        if (!this.running) return;
        this.options.onInvokeError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      if (messages.length > 0) await this.handle(messages);
    }
  }

  private async handle(messages: Message[]): Promise<void> {
    this.inFlight++;
    try {
      const event: SQSEvent = { Records: messages.map((m) => this.toRecord(m)) };
      let failed: Set<string>;
      try {
        const response = await this.options.invoke(event);
        failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (error) {
        this.options.onInvokeError?.(error);
        failed = new Set(messages.map((m) => m.MessageId ?? ''));
      }
      const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
      if (done.length > 0) {
        await this.options.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.options.queueUrl,
            Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    } finally {
      this.inFlight--;
    }
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: this.options.region,
    };
  }
}
