import { describe, expect, it, vi } from 'vitest';
import { LocalMetrics } from '../../../infra/local/metrics/local-metrics';
import { readActivity } from '../../../services/idle-monitor/read-activity';
import { coversWindow } from '../../../services/idle-monitor/window-reading';
import { parseConfig } from '../../../services/kit/config';
import { activitySignals, type MetricDatum } from '../../../services/kit/ports';

const thresholds = parseConfig({ bucket: 'kismo-test' }).idle.thresholds;
const start = new Date('2026-11-30T10:00:00Z');
const minute = (n: number) => new Date(start.getTime() + n * 60_000);
const window = { start, end: minute(60), periodSeconds: 300 };

/** A datum every five minutes in [from, to) minutes of the window, for every signal. */
function every5(instanceId: string, values: Record<string, number>, from = 0, to = 60): MetricDatum[] {
  const data: MetricDatum[] = [];
  for (let m = from; m < to; m += 5) {
    for (const signal of activitySignals) {
      data.push({ instanceId, metric: signal, value: values[signal] ?? 0, timestamp: minute(m) });
    }
  }
  return data;
}

describe('readActivity', () => {
  it('screens signal by signal: each one only for the instances still idle on those before it', async () => {
    // Prepare
    const metrics = new LocalMetrics();
    await metrics.put([
      ...every5('i-0memory', { memory: 55 }),
      ...every5('i-0gpu', { memory: 4, gpu: 90 }),
      ...every5('i-0idle', { memory: 3, gpu: 1, cpu: 2 }),
    ]);
    const read = vi.spyOn(metrics, 'activity');

    // Act
    const readings = await readActivity(metrics, ['i-0memory', 'i-0gpu', 'i-0idle'], window, thresholds);

    // Assess
    expect(read.mock.calls.map(([ids, w]) => [w.signals, ids])).toEqual([
      [['memory'], ['i-0memory', 'i-0gpu', 'i-0idle']],
      [['gpu'], ['i-0gpu', 'i-0idle']],
      [['cpu'], ['i-0idle']],
      [['sessions'], ['i-0idle']],
    ]);
    expect(Object.fromEntries(readings)).toEqual({
      'i-0memory': { kind: 'measured', max: { memory: 55 } },
      'i-0gpu': { kind: 'measured', max: { memory: 4, gpu: 90 } },
      'i-0idle': { kind: 'measured', max: { memory: 3, gpu: 1, cpu: 2, sessions: 0 } },
    });
  });

  it('takes a window with a gap, or with data for only part of it, for missing data', async () => {
    // Prepare
    const metrics = new LocalMetrics();
    await metrics.put([
      ...every5('i-0late', {}, 20, 60),
      ...every5('i-0gap', {}, 0, 20),
      ...every5('i-0gap', {}, 35, 60),
    ]);

    // Act
    const readings = await readActivity(metrics, ['i-0late', 'i-0gap', 'i-0none'], window, thresholds);

    // Assess
    expect(Object.fromEntries(readings)).toEqual({
      'i-0late': { kind: 'missing', signals: ['memory'] },
      'i-0gap': { kind: 'missing', signals: ['memory'] },
      'i-0none': { kind: 'missing', signals: ['memory'] },
    });
  });

  it.each([
    ['every period', [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55], true],
    [
      'the first period empty (the reporter ticks just after the window opens)',
      [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55],
      true,
    ],
    ['one lost put in the middle', [0, 5, 10, 15, 20, 30, 35, 40, 45, 50, 55], true],
    ['two lost puts in a row', [0, 5, 10, 15, 20, 35, 40, 45, 50, 55], false],
    ['the last quarter of an hour missing', [0, 5, 10, 15, 20, 25, 30, 35, 40], false],
    ['nothing', [], false],
  ])('a window with datapoints in %s is covered: %s', (_, minutes, expected) => {
    // Act
    const covered = coversWindow(minutes.map(minute), window);

    // Assess
    expect(covered).toBe(expected);
  });
});
