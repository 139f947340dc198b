import * as z from 'zod';
import { isoTimeSchema } from '../../contracts/kit/correlation';

/** One object per instance, written only by the idle monitor. */
export const IDLE_PREFIX = 'kismo/idle/';

/** The key of an instance's state. */
export const idleKey = (instanceId: string): string => `${IDLE_PREFIX}${instanceId}.json`;

/** The instance id of an idle-state key, or `undefined` for another key. */
export const instanceOfIdleKey = (key: string): string | undefined =>
  /^kismo\/idle\/(i-[0-9a-f]+)\.json$/.exec(key)?.[1];

/** What the monitor remembers about an instance between sweeps. */
export const idleStateSchema = z.object({
  /** Consecutive idle readings outside business hours; the second one stops the instance. */
  strikes: z.number().int().nonnegative().default(0),
  /** This idle stretch was mentioned to the owner (business hours); an active reading ends the stretch. */
  mentionedAt: isoTimeSchema.optional(),
  /** Missing data was reported to the operators; data covering a window ends the stretch. */
  missingSince: isoTimeSchema.optional(),
  /** When the monitor stopped the instance, or first saw it stopped (when no tag says when). */
  stoppedSince: isoTimeSchema.optional(),
  /** The last reminder that the stopped instance's volume still costs. */
  remindedAt: isoTimeSchema.optional(),
});

/** The stored state of one instance. */
export type IdleState = z.output<typeof idleStateSchema>;

/** The state of an instance the monitor knows nothing about. */
export const EMPTY_STATE: IdleState = { strikes: 0 };

/** Nothing to remember: the object can go, so the sweep reads only instances with a story. */
export const isEmptyState = (state: IdleState): boolean =>
  state.strikes === 0 &&
  !state.mentionedAt &&
  !state.missingSince &&
  !state.stoppedSince &&
  !state.remindedAt;

/** Whether two states would be stored the same. */
export const sameState = (a: IdleState, b: IdleState): boolean =>
  JSON.stringify(idleStateSchema.parse(a)) === JSON.stringify(idleStateSchema.parse(b));
