import * as z from 'zod';
import type { CorrelationKeys } from './correlation';

import type { EventPattern } from './pattern';

export type { EventPattern };

/** What a pattern may depend on that is only known where it is deployed. */
export interface PatternContext {
  /** The data bucket; S3 contracts only match objects of this bucket when it is given. */
  readonly bucket?: string;
}

/**
 * One definition of an event — a kismo event or an AWS event kismo consumes — that serves the
 * publisher, the rule's pattern and the subscriber's types alike.
 */
export interface Contract<Name extends string = string, Detail extends z.ZodType = z.ZodType> {
  /** Unique within the catalog; the discriminant a handler switches on. */
  readonly name: Name;
  readonly source: string;
  readonly detailType: string;
  /** Present on kismo's own events: carried in `detail.version`. */
  readonly version?: number;
  readonly description: string;
  /** The zod schema of `detail`. */
  readonly detail: Detail;
  /** The EventBridge pattern that selects this contract's events, derived from the definition. */
  pattern(context?: PatternContext): EventPattern;
  /**
   * The part of the selection EventBridge's pattern language cannot say (a `wildcard` also matches
   * `/`, so a key pattern is re-checked exactly here). Events that match the pattern but not this
   * are acknowledged and skipped, never retried.
   */
  accepts?(detail: z.output<Detail>): boolean;
  /** The correlation keys of an event; by default the `owner`, `sessionId` and `instanceId` of its detail. */
  correlate?(detail: z.output<Detail>): CorrelationKeys;
}

export type DetailOf<C extends Contract> = z.output<C['detail']>;

/**
 * The EventBridge envelope, as every rule target and schedule receives it: what an SQS body holds
 * before its `detail` meets the contract of its `detail-type`.
 */
export const eventEnvelopeSchema = z.object({
  version: z.string(),
  id: z.string(),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: z.unknown(),
  'replay-name': z.string().optional(),
});

/** An EventBridge event as a queue delivers it (the envelope every rule target receives). */
export interface EventEnvelope<Detail = unknown> {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Detail;
}
