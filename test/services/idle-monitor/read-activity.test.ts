import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { LocalMetrics } from '../../../infra/local/metrics/local-metrics';
import { readActivity } from '../../../services/idle-monitor/read-activity';
import { coversWindow } from '../../../services/idle-monitor/window-reading';
import type { ActivityMetric, MetricDatum } from '../../../services/kit/ports';
import { cloudWatchMetrics } from '../../../services/kit/ports/metrics';
import { isActive } from '../../../services/shared/activity';

const start = new Date('2026-11-30T10:00:00Z');
const minute = (n: number) => new Date(start.getTime() + n * 60_000);
const window = { start, end: minute(60), periodSeconds: 300 };

/** A datum every five minutes in [from, to) minutes of the window, `value(m)` at minute m. */
function every5(
  instanceId: string,
  value: (m: number) => number,
  from = 0,
  to = 60,
  metric: ActivityMetric = 'activity',
): MetricDatum[] {
  const data: MetricDatum[] = [];
  for (let m = from; m < to; m += 5) data.push({ instanceId, metric, value: value(m), timestamp: minute(m) });
  return data;
}

describe('readActivity', () => {
  it('reads one Activity series per instance in one call, and takes the peak of the window', async () => {
    // Prepare
    const metrics = new LocalMetrics();
    await metrics.put([
      ...every5('i-0spike', (m) => (m === 25 ? 1 : 0.2)),
      ...every5('i-0under', () => 0.99),
      ...every5('i-0training', (m) => 10 + m),
    ]);
    const read = vi.spyOn(metrics, 'activity');

    // Act
    const readings = await readActivity(metrics, ['i-0spike', 'i-0under', 'i-0training', 'i-0spike'], window);

    // Assess
    expect(read.mock.calls).toEqual([[['i-0spike', 'i-0under', 'i-0training'], window]]);
    expect(Object.fromEntries(readings)).toEqual({
      'i-0spike': { kind: 'measured', activity: 1 },
      'i-0under': { kind: 'measured', activity: 0.99 },
      'i-0training': { kind: 'measured', activity: 65 },
    });
  });

  it('takes a peak of exactly 1 for in use, and 0.99 for idle', async () => {
    // Prepare
    const metrics = new LocalMetrics();
    await metrics.put([...every5('i-0at', () => 1), ...every5('i-0under', () => 0.99)]);

    // Act
    const readings = await readActivity(metrics, ['i-0at', 'i-0under'], window);

    // Assess
    const active = [...readings].map(([id, r]) => [id, r.kind === 'measured' && isActive(r.activity)]);
    expect(active).toEqual([
      ['i-0at', true],
      ['i-0under', false],
    ]);
  });

  it('takes a window with a gap, with data for only part of it, or with no Activity for missing data', async () => {
    // Prepare: i-0signals sends the four signals but no Activity (a signal it cannot measure)
    const metrics = new LocalMetrics();
    await metrics.put([
      ...every5('i-0late', () => 0.1, 20, 60),
      ...every5('i-0gap', () => 0.1, 0, 20),
      ...every5('i-0gap', () => 0.1, 35, 60),
      ...every5('i-0signals', () => 0, 0, 60, 'memory'),
      ...every5('i-0signals', () => 0, 0, 60, 'cpu'),
    ]);

    // Act
    const readings = await readActivity(metrics, ['i-0late', 'i-0gap', 'i-0signals', 'i-0none'], window);

    // Assess
    expect(Object.fromEntries(readings)).toEqual({
      'i-0late': { kind: 'missing' },
      'i-0gap': { kind: 'missing' },
      'i-0signals': { kind: 'missing' },
      'i-0none': { kind: 'missing' },
    });
  });

  it('reads 1,200 instances from CloudWatch in 3 calls, following NextToken across pages', async () => {
    // Prepare: each call's first page holds the first half of the window, its second page the rest
    const cloudWatch = mockClient(CloudWatchClient);
    cloudWatch.on(GetMetricDataCommand).callsFake(async (input: GetMetricDataCommandInput) => {
      const half = input.NextToken ? [30, 35, 40, 45, 50, 55] : [0, 5, 10, 15, 20, 25];
      return {
        MetricDataResults: (input.MetricDataQueries ?? []).map((q) => {
          const n = Number(q.MetricStat?.Metric?.Dimensions?.[0]?.Value?.slice(2));
          return {
            Id: q.Id,
            Timestamps: half.map(minute),
            Values: half.map((m) => (n % 2 === 0 && m === 50 ? 1.5 : 0.25)),
          };
        }),
        ...(input.NextToken ? {} : { NextToken: 'second-half' }),
      };
    });
    const ids = Array.from({ length: 1200 }, (_, n) => `i-${n}`);

    // Act
    const readings = await readActivity(cloudWatchMetrics(new CloudWatchClient({})), ids, window);

    // Assess
    const calls = cloudWatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.MetricDataQueries?.length, c.NextToken])).toEqual([
      [500, undefined],
      [500, undefined],
      [200, undefined],
      [500, 'second-half'],
      [500, 'second-half'],
      [200, 'second-half'],
    ]);
    expect(readings.get('i-0')).toEqual({ kind: 'measured', activity: 1.5 });
    expect(readings.get('i-1199')).toEqual({ kind: 'measured', activity: 0.25 });
    expect([...readings.values()].every((r) => r.kind === 'measured')).toBe(true);
    cloudWatch.restore();
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
    ['every other period (half an hour of silence in all)', [0, 10, 20, 30, 40, 50], false],
    ['two lost puts apart', [0, 5, 15, 20, 25, 30, 35, 45, 50, 55], false],
    ['one lost put and the last one late', [0, 5, 10, 15, 25, 30, 35, 40, 45, 50], false],
  ])('a window with datapoints in %s is covered: %s', (_, minutes, expected) => {
    // Act
    const covered = coversWindow(minutes.map(minute), window);

    // Assess
    expect(covered).toBe(expected);
  });
});
