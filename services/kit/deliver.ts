import type { Contract, EventEnvelope } from '../../contracts/kit/contract';
import { type CorrelationKeys, correlationOf } from '../../contracts/kit/correlation';
import { matchesPattern } from '../../contracts/kit/pattern';
import { createPublisher, type Publisher } from '../../contracts/publish';
import type { KismoConfig } from './config';
import type { Delivered, Service, ServiceContext } from './define-service';
import { type Logger, recordLogger } from './logger';
import type { Ports } from './ports';
import { RetryLaterError } from './retry-later';

/** A record no contract of the service accepts, or one that breaks its contract: retrying cannot help. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/** A failure already logged with the event's correlation keys; the host only reports it to SQS. */
export class HandledError extends Error {
  constructor(readonly original: unknown) {
    super((original as Error)?.message ?? String(original));
    this.name = 'HandledError';
  }
}

export interface DeliveryDeps {
  readonly ports: Ports;
  readonly config: KismoConfig;
  readonly logger: Logger;
  /** @default a publisher over `ports.bus`, made for this delivery (hosts pass one shared one) */
  readonly publisher?: Publisher;
}

/** Finds the contract an event belongs to and parses its detail; the error names the bad field's path. */
export function route(
  service: Service,
  envelope: EventEnvelope,
): { contract: Contract; detail: unknown; keys: CorrelationKeys } {
  const contract = service.contracts.find((c) => matchesPattern(c.pattern(), envelope));
  if (!contract) {
    throw new InvalidEventError(
      `${service.name} does not consume ${envelope.source} "${envelope['detail-type']}" (it consumes: ${service.contracts
        .map((c) => c.name)
        .join(', ')})`,
    );
  }
  const parsed = contract.detail.safeParse(envelope.detail);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `detail.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new InvalidEventError(`${contract.name} event ${envelope.id} breaks its contract: ${issues}`);
  }
  const keys = contract.correlate ? contract.correlate(parsed.data) : correlationOf(parsed.data);
  return { contract, detail: parsed.data, keys };
}

/** Handles one event with the service's logic: the same path in Lambda and in the local cloud. */
export async function deliver(
  service: Service,
  envelope: EventEnvelope,
  deps: DeliveryDeps,
  messageId?: string,
): Promise<void> {
  const { contract, detail, keys } = route(service, envelope);
  const logger = recordLogger(deps.logger, { ...keys, messageId });
  if (contract.accepts && !contract.accepts(detail)) {
    logger.debug('event skipped: its pattern matched but the contract does not accept it', {
      eventId: envelope.id,
    });
    return;
  }
  const publisher = deps.publisher ?? createPublisher({ bus: deps.ports.bus });
  const emits = new Set<Contract>(service.emits);
  const guard = (c: Contract) => {
    if (!emits.has(c))
      throw new Error(`${service.name} publishes ${c.name} but does not declare it in emits`);
  };
  const context: ServiceContext = {
    ports: deps.ports,
    config: deps.config,
    logger,
    publish: async (c, d) => {
      guard(c);
      await publisher.publish(c, d);
      logger.info('event published', { detailType: c.detailType, version: c.version });
    },
    publishAll: async (items) => {
      for (const item of items) guard(item.contract);
      await publisher.publishAll(items);
      logger.info('events published', { detailTypes: items.map((i) => i.contract.detailType) });
    },
  };
  logger.info('event received', { detailType: envelope['detail-type'], eventId: envelope.id });
  try {
    await service.handle({ name: contract.name, detail, envelope } as Delivered<Contract>, context);
  } catch (error) {
    const log = error instanceof RetryLaterError ? logger.warn.bind(logger) : logger.error.bind(logger);
    log(
      error instanceof RetryLaterError
        ? 'event deferred; it will be delivered again'
        : 'event failed; it will be delivered again, then go to the dead-letter queue',
      {
        detailType: envelope['detail-type'],
        eventId: envelope.id,
        error: error as Error,
      },
    );
    throw new HandledError(error);
  }
}
