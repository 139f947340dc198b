import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MetricDatum } from '../../../../services/kit/ports/metrics';
import { cloudWatchMetrics } from '../../../../services/kit/ports/metrics';

const cloudWatch = mockClient(CloudWatchClient);
const metrics = cloudWatchMetrics(new CloudWatchClient({ region: 'eu-west-1' }));

const at = (minute: number) => new Date(Date.UTC(2025, 0, 6, 10, minute));
const window = { start: at(0), end: at(60), periodSeconds: 300 };
const ids = (count: number): string[] => Array.from({ length: count }, (_, i) => `i-${i}`);

describe('cloudWatchMetrics', () => {
  beforeEach(() => {
    cloudWatch.reset();
  });

  it('asks for the maximum Activity of each instance in the kismo namespace', async () => {
    // Prepare
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });

    // Act
    const series = await metrics.activity(['i-abc', 'i-def'], window);

    // Assess
    const calls = cloudWatch.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    const query = (id: string, instanceId: string) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: 'kismo/activity',
          MetricName: 'Activity',
          Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
        },
        Period: 300,
        Stat: 'Maximum',
      },
      ReturnData: true,
    });
    expect(calls[0]?.args[0].input).toEqual({
      MetricDataQueries: [query('m0', 'i-abc'), query('m1', 'i-def')],
      StartTime: at(0),
      EndTime: at(60),
      ScanBy: 'TimestampAscending',
    });
    expect(series).toEqual([
      { instanceId: 'i-abc', timestamps: [], values: [] },
      { instanceId: 'i-def', timestamps: [], values: [] },
    ]);
  });

  it('follows NextToken and merges each series across pages, oldest first', async () => {
    // Prepare
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'm0', Timestamps: [at(5), at(10)], Values: [0.9, 0.8] },
          { Id: 'm2', Timestamps: [at(5)], Values: [1] },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'm0', Timestamps: [at(0)], Values: [0.3] },
          { Id: 'm1', Timestamps: [at(0)], Values: [12] },
        ],
      });

    // Act
    const series = await metrics.activity(['i-abc', 'i-def', 'i-ghi'], window);

    // Assess
    const calls = cloudWatch.commandCalls(GetMetricDataCommand);
    expect(calls.map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
    expect(calls[1]?.args[0].input.MetricDataQueries).toEqual(calls[0]?.args[0].input.MetricDataQueries);
    expect(series).toEqual([
      { instanceId: 'i-abc', timestamps: [at(0), at(5), at(10)], values: [0.3, 0.9, 0.8] },
      { instanceId: 'i-def', timestamps: [at(0)], values: [12] },
      { instanceId: 'i-ghi', timestamps: [at(5)], values: [1] },
    ]);
  });

  it('reads 10,000 instances in exactly 20 calls of at most 500 queries, at most 4 at once', async () => {
    // Prepare
    let inFlight = 0;
    let mostInFlight = 0;
    cloudWatch.on(GetMetricDataCommand).callsFake(async (input: GetMetricDataCommandInput) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      return {
        MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({
          Id: q.Id,
          Timestamps: [at(5)],
          Values: [Number(q.Id?.slice(1))],
        })),
      };
    });

    // Act
    const series = await metrics.activity(ids(10_000), window);

    // Assess
    const batches = cloudWatch
      .commandCalls(GetMetricDataCommand)
      .map((c) => c.args[0].input.MetricDataQueries ?? []);
    expect(batches).toHaveLength(20);
    expect(batches.every((batch) => batch.length <= 500)).toBe(true);
    const queryIds = batches.flat().map((q) => q.Id ?? '');
    expect(new Set(queryIds).size).toBe(10_000);
    expect(queryIds.every((id) => /^[a-z][a-zA-Z0-9_]*$/.test(id))).toBe(true);
    expect(new Set(batches.flat().map((q) => q.MetricStat?.Metric?.MetricName))).toEqual(
      new Set(['Activity']),
    );
    expect(mostInFlight).toBe(4);
    expect(series).toHaveLength(10_000);
    expect(series.map((s) => s.values[0])).toEqual(ids(10_000).map((_, i) => i));
    expect(series.at(-1)?.instanceId).toBe('i-9999');
  });

  it('puts datums with their units, in calls of at most 1000', async () => {
    // Prepare
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const timestamp = at(5);
    const data: MetricDatum[] = Array.from({ length: 2500 }, (_, i) => ({
      instanceId: `i-${i}`,
      metric: (['gpu', 'sessions', 'activity'] as const)[i % 3] ?? 'gpu',
      value: i,
      timestamp,
    }));

    // Act
    await metrics.put(data);

    // Assess
    const calls = cloudWatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
    expect(calls.map((input) => input.MetricData?.length)).toEqual([1000, 1000, 500]);
    expect(calls.every((input) => input.Namespace === 'kismo/activity')).toBe(true);
    expect(calls[0]?.MetricData?.slice(0, 3)).toEqual([
      {
        MetricName: 'GPUUtilization',
        Dimensions: [{ Name: 'InstanceId', Value: 'i-0' }],
        Timestamp: timestamp,
        Value: 0,
        Unit: 'Percent',
      },
      {
        MetricName: 'LoggedInSessions',
        Dimensions: [{ Name: 'InstanceId', Value: 'i-1' }],
        Timestamp: timestamp,
        Value: 1,
        Unit: 'Count',
      },
      {
        MetricName: 'Activity',
        Dimensions: [{ Name: 'InstanceId', Value: 'i-2' }],
        Timestamp: timestamp,
        Value: 2,
        Unit: 'None',
      },
    ]);
  });

  it('uses the namespace it is given', async () => {
    // Prepare
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const custom = cloudWatchMetrics(new CloudWatchClient({ region: 'eu-west-1' }), {
      namespace: 'kismo/test',
    });

    // Act
    await custom.put([{ instanceId: 'i-1', metric: 'cpu', value: 5, timestamp: at(0) }]);

    // Assess
    expect(cloudWatch.commandCalls(PutMetricDataCommand)[0]?.args[0].input.Namespace).toBe('kismo/test');
  });
});
