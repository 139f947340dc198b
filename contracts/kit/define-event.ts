import * as z from 'zod';
import type { Contract, EventPattern } from './contract';
import { type CorrelationShape, correlation } from './correlation';

/** The source of every event kismo publishes. */
export const KISMO_SOURCE = 'kismo';

export interface KismoEventDefinition<D extends string, V extends number, Shape extends z.ZodRawShape> {
  /** Past tense, Title Case: `Instance Ready`. */
  readonly detailType: D;
  /** Bumped on a breaking change (a field removed, renamed or tightened); adding an optional field keeps it. */
  readonly version: V;
  readonly description: string;
  /** The fields of `detail` besides `version` (the correlation keys are declared here as each event needs). */
  readonly fields: Shape;
  /**
   * How the event reads in a session's timeline (`kismo status`): one line for people. A
   * subscriber's new event says it here, and the journal shows it with no change of its own.
   * @default the detail-type in lower case
   */
  readonly timeline?: (detail: z.output<KismoDetail<V, Shape>>) => string;
}

export type KismoDetail<V extends number, Shape extends z.ZodRawShape> = z.ZodObject<
  Shape & { version: z.ZodLiteral<V> },
  z.core.$strip
>;

export interface KismoEvent<
  D extends string = string,
  V extends number = number,
  Shape extends z.ZodRawShape = z.ZodRawShape,
> extends Contract<`${D} v${V}`, KismoDetail<V, Shape>> {
  readonly detailType: D;
  readonly version: V;
  /** One line for a session's timeline. */
  timeline(detail: z.output<KismoDetail<V, Shape>>): string;
}

const TITLE_CASE_PAST = /^([A-Z][A-Za-z0-9]*)( [A-Z][A-Za-z0-9]*)*$/;

/** Defines one kismo event: its detail-type, version and schema, and from them its pattern. */
export function defineEvent<
  const D extends string,
  const V extends number,
  const Shape extends z.ZodRawShape,
>(definition: KismoEventDefinition<D, V, Shape>): KismoEvent<D, V, Shape> {
  const { detailType, version, description, fields, timeline } = definition;
  if (!TITLE_CASE_PAST.test(detailType)) {
    throw new Error(`detail-type "${detailType}" must be Title Case words, e.g. "Instance Ready"`);
  }
  if (!Number.isInteger(version) || version < 1) {
    throw new Error(`version of "${detailType}" must be a positive integer`);
  }
  const detail = z.object({ ...fields, version: z.literal(version) }) as KismoDetail<V, Shape>;
  return {
    name: `${detailType} v${version}`,
    source: KISMO_SOURCE,
    detailType,
    version,
    description,
    detail,
    timeline: timeline ?? (() => detailType.toLowerCase()),
    pattern: (): EventPattern => ({
      source: [KISMO_SOURCE],
      'detail-type': [detailType],
      detail: { version: [version] },
    }),
  };
}

export type { CorrelationShape };
export { correlation };
