import {
  CloudWatchClient,
  type MetricDatum as CwDatum,
  GetMetricDataCommand,
  type MetricDataQuery,
  PutMetricDataCommand,
  type StandardUnit,
} from '@aws-sdk/client-cloudwatch';
import pLimit from 'p-limit';
import { chunk } from '../chunk';
import type { PortMaker } from './maker';

/** The namespace the activity reporter publishes to; instance profiles may write nowhere else. */
export const METRICS_NAMESPACE = 'kismo/activity';

/** The signals the activity reporter sends every five minutes, per instance. */
export const activitySignals = ['gpu', 'memory', 'cpu', 'sessions'] as const;
export type ActivitySignal = (typeof activitySignals)[number];

/**
 * What the reporter publishes: each signal, for dashboards and people, and `activity`, the busiest
 * signal as a fraction of its idle threshold (see `activityOf`), the one the idle monitor reads.
 */
export type ActivityMetric = ActivitySignal | 'activity';

/** CloudWatch metric names. */
export const metricNames: Readonly<Record<ActivityMetric, string>> = {
  gpu: 'GPUUtilization',
  memory: 'MemoryUtilization',
  cpu: 'CPUUtilization',
  sessions: 'LoggedInSessions',
  activity: 'Activity',
};

/** The `Activity` datapoints of one instance over a window, oldest first. */
export interface ActivitySeries {
  readonly instanceId: string;
  readonly timestamps: readonly Date[];
  readonly values: readonly number[];
}

export interface MetricDatum {
  readonly instanceId: string;
  readonly metric: ActivityMetric;
  readonly value: number;
  readonly timestamp: Date;
}

/** The time a read covers, and the period of its datapoints. */
export interface MetricsWindow {
  readonly start: Date;
  readonly end: Date;
  readonly periodSeconds: number;
}

/** CloudWatch, as the services see it. */
export interface Metrics {
  /**
   * The `Activity` of each instance, in the order asked, as its maximum per `periodSeconds`: one
   * metric per instance, so N instances cost ceil(N / 500) GetMetricData calls.
   */
  activity(instanceIds: readonly string[], window: MetricsWindow): Promise<ActivitySeries[]>;
  /** What the activity reporter does on an instance (the local cloud's simulated one, tests). */
  put(data: readonly MetricDatum[]): Promise<void>;
}

export interface CloudWatchMetricsOptions {
  /** @default METRICS_NAMESPACE */
  readonly namespace?: string;
}

/**
 * GetMetricData takes at most 500 queries a call and retrieves at most 500 metrics (a SEARCH
 * expression's matches count too, so it saves no calls); PutMetricData takes at most 1000 datums.
 */
const MAX_QUERIES_PER_CALL = 500;
const MAX_DATUMS_PER_CALL = 1000;
/** Enough to read thousands of instances in one Lambda run, well under the 50 TPS quota. */
const CONCURRENT_CALLS = 4;

const units: Readonly<Record<ActivityMetric, StandardUnit>> = {
  gpu: 'Percent',
  memory: 'Percent',
  cpu: 'Percent',
  sessions: 'Count',
  activity: 'None',
};

interface Wanted {
  readonly id: string;
  readonly instanceId: string;
}

interface Points {
  readonly timestamps: Date[];
  readonly values: number[];
}

/** Pages can split one series anywhere, so sort once everything is in. */
const oldestFirst = ({ timestamps, values }: Points): Points => {
  const order = timestamps.map((_, i) => i).sort((a, b) => Number(timestamps[a]) - Number(timestamps[b]));
  return {
    timestamps: order.map((i) => timestamps[i] as Date),
    values: order.map((i) => values[i] as number),
  };
};

/**
 * The activity metrics on CloudWatch.
 *
 * @param client a CloudWatch client built by the caller
 * @param options.namespace where the activity reporter publishes; defaults to METRICS_NAMESPACE
 */
export function cloudWatchMetrics(client: CloudWatchClient, options: CloudWatchMetricsOptions = {}): Metrics {
  const namespace = options.namespace ?? METRICS_NAMESPACE;
  const limit = pLimit(CONCURRENT_CALLS);

  const query = (w: Wanted, periodSeconds: number): MetricDataQuery => ({
    Id: w.id,
    MetricStat: {
      Metric: {
        Namespace: namespace,
        MetricName: metricNames.activity,
        Dimensions: [{ Name: 'InstanceId', Value: w.instanceId }],
      },
      Period: periodSeconds,
      Stat: 'Maximum',
    },
    ReturnData: true,
  });

  const fetchBatch = async (
    batch: readonly Wanted[],
    window: MetricsWindow,
    into: Map<string, Points>,
  ): Promise<void> => {
    const queries = batch.map((w) => query(w, window.periodSeconds));
    let nextToken: string | undefined;
    do {
      const output = await client.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: window.start,
          EndTime: window.end,
          ScanBy: 'TimestampAscending',
          NextToken: nextToken,
        }),
      );
      for (const result of output.MetricDataResults ?? []) {
        const points = result.Id ? into.get(result.Id) : undefined;
        points?.timestamps.push(...(result.Timestamps ?? []));
        points?.values.push(...(result.Values ?? []));
      }
      nextToken = output.NextToken;
    } while (nextToken);
  };

  return {
    async activity(instanceIds, window): Promise<ActivitySeries[]> {
      // Query ids must start with a lowercase letter; the index keeps them unique across batches.
      const wanted = instanceIds.map((instanceId, i): Wanted => ({ id: `m${i}`, instanceId }));
      const points = new Map<string, Points>(wanted.map((w) => [w.id, { timestamps: [], values: [] }]));
      await Promise.all(
        chunk(wanted, MAX_QUERIES_PER_CALL).map((batch) => limit(() => fetchBatch(batch, window, points))),
      );
      return wanted.map((w) => ({
        instanceId: w.instanceId,
        ...oldestFirst(points.get(w.id) ?? { timestamps: [], values: [] }),
      }));
    },

    async put(data: readonly MetricDatum[]): Promise<void> {
      const datums = data.map(
        (d): CwDatum => ({
          MetricName: metricNames[d.metric],
          Dimensions: [{ Name: 'InstanceId', Value: d.instanceId }],
          Timestamp: d.timestamp,
          Value: d.value,
          Unit: units[d.metric],
        }),
      );
      for (const batch of chunk(datums, MAX_DATUMS_PER_CALL)) {
        await client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: batch }));
      }
    },
  };
}

export const makeMetrics: PortMaker<Metrics> = (config) =>
  cloudWatchMetrics(new CloudWatchClient({ region: config.region }));
