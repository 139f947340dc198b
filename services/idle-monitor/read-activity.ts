import type { Metrics } from '../kit/ports';
import { coversWindow, maximum, type Window, type WindowReading } from './window-reading';

/**
 * Reads the window of every instance from its one `Activity` metric (the busiest signal over its
 * threshold, published by the instance's reporter), so a sweep costs ceil(N / 500) GetMetricData
 * calls however many instances are idle. An instance whose Activity does not cover the window is
 * `missing`: its reporter could not measure every signal, or stopped.
 */
export async function readActivity(
  metrics: Metrics,
  instanceIds: readonly string[],
  window: Window,
): Promise<Map<string, WindowReading>> {
  const ids = [...new Set(instanceIds)];
  const series = new Map((await metrics.activity(ids, window)).map((s) => [s.instanceId, s]));
  const readings = new Map<string, WindowReading>();
  for (const id of ids) {
    const found = series.get(id);
    const peak = found && coversWindow(found.timestamps, window) ? maximum(found.values) : undefined;
    readings.set(id, peak === undefined ? { kind: 'missing' } : { kind: 'measured', activity: peak });
  }
  return readings;
}
