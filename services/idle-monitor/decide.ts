import { isActive } from '../shared/activity';
import type { BusinessCalendar } from '../shared/calendar';
import type { IdleState } from './idle-state';
import type { WindowReading } from './window-reading';

/** Idle readings in a row, outside business hours, that stop an instance. */
export const STRIKES_TO_STOP = 2;

/** What the monitor does about one running instance after a window. */
export type IdleAction =
  | { readonly kind: 'none' }
  /** Business hours: the owner is mentioned, once per idle stretch. `activity` is the window's peak. */
  | { readonly kind: 'mention'; readonly activity: number }
  /** Outside business hours: a strike; the next idle reading stops the instance. */
  | { readonly kind: 'warn'; readonly strike: number; readonly activity: number }
  | { readonly kind: 'stop'; readonly activity: number }
  /** The operators hear of missing data once per stretch; the instance is left alone. */
  | { readonly kind: 'report-missing' };

/** Why strikes were taken back: used again, kept by the owner, a window without data, or business hours began. */
export type ClearReason = 'active' | 'kept-alive' | 'missing-data' | 'business-hours';

/** The outcome for one instance: what to do, what to remember, and why. */
export interface Decision {
  readonly action: IdleAction;
  /** The state to remember until the next sweep. */
  readonly next: IdleState;
  /** Strikes this decision took back (the owner should no longer expect a stop), and why. */
  readonly cleared?: { readonly strikes: number; readonly reason: ClearReason };
  /** One line for the log. */
  readonly why: string;
}

/**
 * What the decision is judged by: the business calendar. The idle thresholds are not here: each
 * instance's reporter applied the ones it was launched with when it computed its Activity.
 */
export interface Policy {
  readonly calendar: BusinessCalendar;
}

/** What is known of the instance before this window: the stored state and the owner's keep-alive. */
export interface InstanceState {
  readonly idle: IdleState;
  /** An owner's `kismo keep … --until`, as an ISO time. */
  readonly keepAliveUntil?: string;
}

/**
 * The decision table of the idle monitor: (window reading × time × state) → action and next
 * state. Pure, so every row can be tested without ports.
 */
export function decide(reading: WindowReading, at: Date, state: InstanceState, policy: Policy): Decision {
  const { idle } = state;
  const now = at.toISOString();
  // Running again: whatever the monitor knew of it stopped no longer applies.
  const running: IdleState = { ...idle, stoppedSince: undefined, remindedAt: undefined };
  const clear = (reason: ClearReason) =>
    idle.strikes > 0 ? { cleared: { strikes: idle.strikes, reason } } : {};

  if (state.keepAliveUntil && Date.parse(state.keepAliveUntil) > at.getTime()) {
    return {
      action: { kind: 'none' },
      next: { ...running, strikes: 0 },
      ...clear('kept-alive'),
      why: `kept alive until ${state.keepAliveUntil}`,
    };
  }
  if (reading.kind === 'warming-up') {
    return { action: { kind: 'none' }, next: running, why: 'running for less than the window' };
  }
  if (reading.kind === 'missing') {
    // A window without data breaks the run of idle readings: two strikes must be consecutive.
    return {
      action: idle.missingSince ? { kind: 'none' } : { kind: 'report-missing' },
      next: { ...running, strikes: 0, missingSince: idle.missingSince ?? now },
      ...clear('missing-data'),
      why: `no Activity over the whole window${idle.missingSince ? ' (already reported)' : ''}`,
    };
  }

  const measured: IdleState = { ...running, missingSince: undefined };
  const { activity } = reading;
  if (isActive(activity)) {
    return {
      action: { kind: 'none' },
      next: { ...measured, strikes: 0, mentionedAt: undefined },
      ...clear('active'),
      why: `active: the busiest signal peaked at ${Math.round(activity * 100)}% of its threshold`,
    };
  }

  if (policy.calendar.isBusinessTime(at)) {
    // Strikes count only outside business hours; the mention's event carries strike 0.
    const next = { ...measured, strikes: 0, mentionedAt: idle.mentionedAt ?? now };
    if (idle.mentionedAt) {
      return {
        action: { kind: 'none' },
        next,
        ...clear('business-hours'),
        why: 'idle, owner already mentioned',
      };
    }
    return { action: { kind: 'mention', activity }, next, why: 'idle in business hours' };
  }

  // Outside business hours a new business day's idleness will be mentioned again.
  const strike = idle.strikes + 1;
  if (strike >= STRIKES_TO_STOP) {
    return {
      action: { kind: 'stop', activity },
      next: { strikes: 0, stoppedSince: now },
      why: `idle outside business hours, strike ${strike}: stopping`,
    };
  }
  return {
    action: { kind: 'warn', strike, activity },
    next: { ...measured, strikes: strike, mentionedAt: undefined },
    why: `idle outside business hours, strike ${strike}`,
  };
}
