/** What the last window says about one instance. */
export type WindowReading =
  /**
   * `Activity` data covers the window: `activity` is its peak, the busiest signal as a fraction
   * of its idle threshold (1 or more: in use).
   */
  | { readonly kind: 'measured'; readonly activity: number }
  /** No `Activity` for part of the window: never taken for idleness. */
  | { readonly kind: 'missing' }
  /** Running for less than the window (or still booting): nothing to judge, nothing to report. */
  | { readonly kind: 'warming-up' };

/** The time a sweep looks back over (whole clock hours), and the period of its readings. */
export interface Window {
  readonly start: Date;
  readonly end: Date;
  readonly periodSeconds: number;
}

/** How many of a window's periods may have no datapoint, and the window still count. */
export const MISSING_PERIODS_ALLOWED = 1;

/**
 * Whether datapoints (one per period, stamped at the period's start) cover the window: at most
 * one of its periods (one five-minute point of twelve) may be empty — a reporter's tick landing on
 * the other side of a period boundary, or a single lost put. Two empty periods, together or
 * apart, and the window does not count: a reporter that stopped, or keeps stopping, is not an
 * idle machine.
 */
export function coversWindow(timestamps: readonly Date[], window: Window): boolean {
  const period = window.periodSeconds * 1000;
  const start = window.start.getTime();
  const periods = Math.round((window.end.getTime() - start) / period);
  const covered = new Set<number>();
  for (const t of timestamps) {
    const index = Math.floor((t.getTime() - start) / period);
    if (index >= 0 && index < periods) covered.add(index);
  }
  return periods - covered.size <= MISSING_PERIODS_ALLOWED;
}

/** The largest value, or `undefined` for none. */
export function maximum(values: readonly number[]): number | undefined {
  let max: number | undefined;
  for (const value of values) if (Number.isFinite(value) && (max === undefined || value > max)) max = value;
  return max;
}

/**
 * The readings an `Instance Idle` event carries: the window's peak Activity as a percentage of the
 * idle threshold, to one decimal, within 0–100 (an idle peak is under 100 %).
 */
export function forEvent(activity: number): { activity: number } {
  return { activity: Math.min(100, Math.max(0, Math.round(activity * 1000) / 10)) };
}
