import { type ActivitySignal, activitySignals } from '../../contracts/activity-hour';

/** One reading of every signal: GPU, memory and CPU in percent, and the logged-in sessions. */
export type SignalReading = Readonly<Record<ActivitySignal, number>>;

/** The level of each signal at or above which an instance is in use. */
export type IdleThresholds = Readonly<Record<ActivitySignal, number>>;

/**
 * The combined `Activity` reading: the busiest signal as a fraction of its idle threshold, so one
 * number per instance says whether anything was in use. At 1 or above, at least one signal is at
 * or above its threshold. The instance's reporter computes the same in awk
 * (userdata/activity-reporter.sh); test/userdata/activity-reporter.test.ts holds them together.
 */
export function activityOf(reading: SignalReading, thresholds: IdleThresholds): number {
  return Math.max(...activitySignals.map((signal) => reading[signal] / thresholds[signal]));
}

/** Whether an Activity value says the instance was in use. */
export const isActive = (activity: number): boolean => activity >= 1;
