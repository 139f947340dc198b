import type { ActivitySignal } from '../kit/ports';

/** The maximum of each activity signal over a window. */
export type Readings = Readonly<Record<ActivitySignal, number>>;

/** What the last window says about one instance. */
export type WindowReading =
  /**
   * Data covers the window. `max` holds the maximum of each signal read: all four for an idle
   * instance, and for an active one the signals up to the first at or above its threshold.
   */
  | { readonly kind: 'measured'; readonly max: Partial<Readings> }
  /** These signals have no data for part of the window: never taken for idleness. */
  | { readonly kind: 'missing'; readonly signals: readonly ActivitySignal[] }
  /** Running for less than the window (or still booting): nothing to judge, nothing to report. */
  | { readonly kind: 'warming-up' };

/** The time a sweep looks back over, and the period of its datapoints. */
export interface Window {
  readonly start: Date;
  readonly end: Date;
  readonly periodSeconds: number;
}

/**
 * Whether datapoints (one per period, stamped at the period's start) cover the window. One empty
 * period is tolerated anywhere — a reporter's tick landing on the other side of a period boundary,
 * or a single lost put — but no longer gap: a reporter that stopped is not an idle machine.
 */
export function coversWindow(timestamps: readonly Date[], window: Window): boolean {
  const period = window.periodSeconds * 1000;
  let coveredUntil = window.start.getTime();
  for (const t of [...timestamps].map(Number).sort((a, b) => a - b)) {
    if (t - coveredUntil > period) return false;
    coveredUntil = Math.max(coveredUntil, t + period);
  }
  return window.end.getTime() - coveredUntil <= period;
}

/** The largest value, or `undefined` for none. */
export function maximum(values: readonly number[]): number | undefined {
  let max: number | undefined;
  for (const value of values) if (Number.isFinite(value) && (max === undefined || value > max)) max = value;
  return max;
}

/** Readings as an event carries them: percentages within 0–100 to one decimal, whole sessions. */
export function forEvent(readings: Readings): Readings {
  const percent = (n: number) => Math.min(100, Math.max(0, Math.round(n * 10) / 10));
  return {
    gpu: percent(readings.gpu),
    memory: percent(readings.memory),
    cpu: percent(readings.cpu),
    sessions: Math.max(0, Math.round(readings.sessions)),
  };
}
