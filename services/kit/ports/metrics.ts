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
