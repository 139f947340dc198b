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

/** The datapoints of one signal of one instance over the window, oldest first. */
export interface SignalSeries {
  readonly instanceId: string;
  readonly signal: ActivitySignal;
  readonly timestamps: readonly Date[];
  readonly values: readonly number[];
}

export interface MetricDatum {
  readonly instanceId: string;
  readonly metric: ActivityMetric;
  readonly value: number;
  readonly timestamp: Date;
}

/** CloudWatch, as the services see it. */
export interface Metrics {
  /**
   * Every signal of every instance (or only `window.signals`, in that order), each as the maximum
   * per `periodSeconds`.
   */
  activity(
    instanceIds: readonly string[],
    window: { start: Date; end: Date; periodSeconds: number; signals?: readonly ActivitySignal[] },
  ): Promise<SignalSeries[]>;
  put(data: readonly MetricDatum[]): Promise<void>;
}
