import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type EventEnvelope, eventEnvelopeSchema } from '../../contracts/kit/contract';
import { createPublisher } from '../../contracts/publish';
import { grantedPorts } from './capabilities';
import type { KismoConfig } from './config';
import type { Service } from './define-service';
import { type DeliveryDeps, deliver, HandledError, InvalidEventError } from './deliver';
import { serviceLogger } from './logger';
import type { Ports } from './ports';

/** An SQS body holding an EventBridge event, as every rule and schedule target delivers it. */
export function parseEnvelope(body: string): EventEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new InvalidEventError(
      `the message is not an EventBridge event: body: not JSON (${(error as Error).message})`,
    );
  }
  return envelopeOf(json);
}

/** An EventBridge-shaped event, checked: an SQS body's, or a schedule's invoking the function directly. */
function envelopeOf(json: unknown): EventEnvelope {
  const parsed = eventEnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `body.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new InvalidEventError(`the message is not an EventBridge event: ${issues}`);
  }
  return parsed.data as EventEnvelope;
}

export interface HandlerOptions {
  /** Built once per container, on the first invocation (the cold start pays for it, not the module load). */
  readonly ports: () => Ports | Promise<Ports>;
  readonly config: () => KismoConfig;
}

/** What invokes a service's function: its queue (a batch), or its schedule directly (one tick). */
export type ServiceInvocation = SQSEvent | EventEnvelope;

const isBatch = (event: ServiceInvocation): event is SQSEvent =>
  Array.isArray((event as Partial<SQSEvent>).Records);

/**
 * The Lambda handler of a service: middy, the Powertools logger with the Lambda context, each SQS
 * record's body parsed as an EventBridge event, and partial batch responses so one bad record never
 * fails its neighbours. Records are handled in order, one at a time. A service that only runs on
 * its schedule is invoked by it directly with one tick (`scheduledOnly`): a failure throws, so
 * Lambda tries it twice more and then sends it to the dead-letter queue.
 */
export function createHandler(
  service: Service,
  options: HandlerOptions,
): middy.MiddyfiedHandler<ServiceInvocation, SQSBatchResponse | undefined, Error, Context> {
  const logger = serviceLogger(service.name);
  const processor = new BatchProcessor(EventType.SQS);
  let deps: Promise<DeliveryDeps> | undefined;
  // Once per container: every record of every invocation shares the ports and the publisher.
  const init = async (): Promise<DeliveryDeps> => {
    const ports = grantedPorts(await options.ports(), service);
    return { ports, publisher: createPublisher({ bus: ports.bus }), config: options.config(), logger };
  };

  /** One event, read inside the try so an unreadable one is logged as its failure too. */
  const handleOne = async (
    read: () => EventEnvelope,
    id: string,
    retried: string,
    keys: Record<string, unknown> = {},
  ): Promise<void> => {
    deps ??= init();
    try {
      await deliver(service, read(), await deps, id);
    } catch (error) {
      if (error instanceof HandledError) throw error;
      logger.error(retried, { ...keys, invalid: error instanceof InvalidEventError, error: error as Error });
      throw error;
    }
  };

  const recordHandler = (record: SQSRecord): Promise<void> =>
    handleOne(
      () => parseEnvelope(record.body),
      record.messageId,
      'record failed; SQS will deliver it again, then to the dead-letter queue',
      { messageId: record.messageId, receiveCount: record.attributes.ApproximateReceiveCount },
    );

  const tickHandler = async (event: unknown, requestId: string): Promise<undefined> => {
    await handleOne(
      () => envelopeOf(event),
      requestId,
      'tick failed; Lambda will try it again, then send it to the dead-letter queue',
    );
    return undefined;
  };

  return middy<ServiceInvocation, SQSBatchResponse | undefined, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) =>
      isBatch(event)
        ? processPartialResponse(event, recordHandler, processor, {
            context,
            processInParallel: false,
            // A batch that fails whole is reported record by record too: SQS redelivers the same way either way.
            throwOnFullBatchFailure: false,
          })
        : tickHandler(event, context.awsRequestId),
    );
}
