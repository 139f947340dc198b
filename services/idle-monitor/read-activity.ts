import type { KismoConfig } from '../kit/config';
import type { ActivitySignal, Metrics } from '../kit/ports';
import { coversWindow, maximum, type Readings, type Window, type WindowReading } from './window-reading';

/**
 * The order signals are read in. GetMetricData retrieves at most 500 metrics a call, so reading all
 * four signals of N instances costs 4N/500 calls whatever the query shape (SEARCH matches count
 * too). An instance at or above one threshold is active and needs no other signal, so each signal
 * is read only for the instances still idle on the ones before it. Memory goes first: it stays high
 * on a machine in use even while its GPU waits (a loaded dataset, an open notebook kernel).
 */
export const SCREENING_ORDER: readonly ActivitySignal[] = ['memory', 'gpu', 'cpu', 'sessions'];

/**
 * Reads the window of every instance, signal by signal (one batched `activity` call per signal,
 * each for the instances still candidates for idleness): an instance leaves the screening as
 * active at its first signal at or above the threshold, or as `missing` at its first signal whose
 * data does not cover the window. The others are idle on all four, with their maxima.
 */
export async function readActivity(
  metrics: Metrics,
  instanceIds: readonly string[],
  window: Window,
  thresholds: KismoConfig['idle']['thresholds'],
): Promise<Map<string, WindowReading>> {
  const readings = new Map<string, WindowReading>();
  const maxima = new Map<string, Partial<Record<ActivitySignal, number>>>(instanceIds.map((id) => [id, {}]));
  let candidates = [...new Set(instanceIds)];
  for (const signal of SCREENING_ORDER) {
    if (candidates.length === 0) break;
    const series = await metrics.activity(candidates, { ...window, signals: [signal] });
    const bySeries = new Map(series.filter((s) => s.signal === signal).map((s) => [s.instanceId, s]));
    const still: string[] = [];
    for (const id of candidates) {
      const found = bySeries.get(id);
      const max = found && coversWindow(found.timestamps, window) ? maximum(found.values) : undefined;
      if (max === undefined) {
        readings.set(id, { kind: 'missing', signals: [signal] });
        continue;
      }
      const seen = { ...maxima.get(id), [signal]: max };
      maxima.set(id, seen);
      if (max >= thresholds[signal]) readings.set(id, { kind: 'measured', max: seen });
      else still.push(id);
    }
    candidates = still;
  }
  for (const id of candidates) readings.set(id, { kind: 'measured', max: maxima.get(id) as Readings });
  return readings;
}
