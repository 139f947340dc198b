import type { z } from 'zod';
import { scheduledEvent } from '../../contracts/aws/scheduled-event';
import type { Contract, EventEnvelope } from '../../contracts/kit/contract';
import type { KismoEvent } from '../../contracts/kit/define-event';
import type { DetailInput, PublishItem } from '../../contracts/publish';
import type { Capabilities } from './capabilities';
import type { KismoConfig } from './config';
import type { Logger } from './logger';
import type { Ports } from './ports';

/** A schedule, in EventBridge Scheduler's syntax: `rate(1 hour)` or `cron(0 9 ? * MON-FRI *)`. */
export interface Schedule {
  readonly expression: string;
  /** IANA time zone of a cron expression. @default the calendar's time zone */
  readonly timeZone?: string;
  /** Makes the schedule follow the calendar's business-hours start instead of `expression`. */
  readonly at?: 'business-hours-start';
}

/** An event as a handler receives it: the contract's name (to switch on) and the parsed detail. */
export type Delivered<C extends Contract> =
  C extends Contract<infer N, infer D>
    ? { readonly name: N; readonly detail: z.output<D>; readonly envelope: EventEnvelope }
    : never;

type ScheduledContract = ReturnType<typeof scheduledEvent>;

/** What a handler may use: the ports, the configuration, its logger, and publishing of what it declared. */
export interface ServiceContext<E extends readonly KismoEvent[] = readonly KismoEvent[]> {
  readonly ports: Ports;
  readonly config: KismoConfig;
  /** Carries this event's correlation keys. */
  readonly logger: Logger;
  publish<C extends E[number]>(contract: C, detail: DetailInput<C>): Promise<void>;
  publishAll(items: readonly PublishItem<E[number]>[]): Promise<void>;
}

export interface ServiceDefinition<C extends readonly Contract[], E extends readonly KismoEvent[]> {
  /** kebab-case; names the queue, the function and the logs. */
  readonly name: string;
  readonly description: string;
  readonly consumes: C;
  readonly emits: E;
  readonly schedule?: Schedule;
  readonly capabilities: Capabilities;
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memoryMb?: number;
  /** Records per invocation. @default 10 */
  readonly batchSize?: number;
  /** Deliveries before a message goes to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /** The service handles a redelivered event without doing its work twice (SQS delivers at least once). */
  readonly idempotent: boolean;
  handle(event: Delivered<C[number] | ScheduledContract>, context: ServiceContext<E>): Promise<void>;
}

export interface Service<
  C extends readonly Contract[] = readonly Contract[],
  E extends readonly KismoEvent[] = readonly KismoEvent[],
> extends Required<Omit<ServiceDefinition<C, E>, 'schedule'>> {
  readonly schedule?: Schedule;
  /** Everything that arrives on the service's queue: what it consumes, and its schedule's ticks. */
  readonly contracts: readonly Contract[];
}

const SERVICE_NAME = /^[a-z][a-z0-9-]{1,40}[a-z0-9]$/;

/**
 * A service that consumes no event and only runs on its schedule: on AWS the schedule invokes its
 * function directly (asynchronously: Lambda retries a failure twice, then sends the tick to the
 * dead-letter queue), so it needs no queue, and no queue's idle polling ($0.26 a month each).
 */
export function scheduledOnly(service: Pick<Service, 'consumes' | 'schedule'>): boolean {
  return service.consumes.length === 0 && service.schedule !== undefined;
}

/** Declares a service; the AWS stack and the local cloud both wire it from this alone. */
export function defineService<const C extends readonly Contract[], const E extends readonly KismoEvent[]>(
  definition: ServiceDefinition<C, E>,
): Service<C, E> {
  if (!SERVICE_NAME.test(definition.name)) {
    throw new Error(`service name "${definition.name}" must be kebab-case, 3 to 42 characters`);
  }
  if (definition.consumes.length === 0 && !definition.schedule) {
    throw new Error(`service ${definition.name} consumes nothing and has no schedule: it would never run`);
  }
  const service = {
    timeoutSeconds: 30,
    memoryMb: 256,
    batchSize: 10,
    maxReceiveCount: 5,
    ...definition,
    contracts: definition.schedule
      ? [...definition.consumes, scheduledEvent(definition.name)]
      : [...definition.consumes],
  };
  if (service.timeoutSeconds < 1 || service.timeoutSeconds > 900) {
    throw new Error(`service ${definition.name}: timeoutSeconds must be 1..900 (Lambda's limit)`);
  }
  if (service.batchSize < 1 || service.batchSize > 10000) {
    throw new Error(`service ${definition.name}: batchSize must be 1..10000`);
  }
  return service as Service<C, E>;
}
