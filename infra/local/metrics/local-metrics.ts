// CloudWatch for the local cloud: the activity datapoints in memory, optionally kept in a
// JSON-lines file so a restarted `kismo dev` still has the readings the idle monitor needs.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import type {
  ActivityMetric,
  ActivitySeries,
  MetricDatum,
  Metrics,
  MetricsWindow,
} from '../../../services/kit/ports';
import { activitySignals } from '../../../services/kit/ports';

export interface LocalMetricsOptions {
  /** JSON-lines file: one datum per line, appended on put and read back on start. @default memory only */
  readonly stateFile?: string;
}

/** An in-process CloudWatch for the activity metrics, with GetMetricData's `Maximum` statistic. */
export class LocalMetrics implements Metrics {
  readonly #data: MetricDatum[] = [];
  readonly #stateFile: string | undefined;
  /** The file ends in a line cut short (a crash mid-append): the next line must not join it. */
  #startNewLine = false;

  constructor(options: LocalMetricsOptions = {}) {
    this.#stateFile = options.stateFile;
    if (this.#stateFile) this.#load(this.#stateFile);
  }

  async put(data: readonly MetricDatum[]): Promise<void> {
    if (data.length === 0) return;
    this.#data.push(...data.map(copyDatum));
    if (!this.#stateFile) return;
    const lines = data.map((datum) => JSON.stringify(datum)).join('\n');
    mkdirSync(path.dirname(this.#stateFile), { recursive: true });
    appendFileSync(this.#stateFile, `${this.#startNewLine ? '\n' : ''}${lines}\n`);
    this.#startNewLine = false;
  }

  /** The `Activity` of every instance asked for; a series with no datapoint in the window is empty. */
  async activity(instanceIds: readonly string[], window: MetricsWindow): Promise<ActivitySeries[]> {
    if (!(window.periodSeconds > 0))
      throw new Error(`periodSeconds must be positive, not ${window.periodSeconds}`);
    return instanceIds.map((instanceId) => ({
      instanceId,
      ...this.series(instanceId, 'activity', window),
    }));
  }

  /** One metric of one instance as the maximum per period, stamped with the period's start, oldest first. */
  series(
    instanceId: string,
    metric: ActivityMetric,
    window: MetricsWindow,
  ): { timestamps: Date[]; values: number[] } {
    const start = window.start.getTime();
    const end = window.end.getTime();
    const periodMs = window.periodSeconds * 1000;
    const maxima = new Map<number, number>();
    for (const datum of this.#data) {
      const t = datum.timestamp.getTime();
      if (datum.instanceId !== instanceId || datum.metric !== metric || t < start || t >= end) continue;
      const bucket = Math.floor((t - start) / periodMs);
      maxima.set(bucket, Math.max(maxima.get(bucket) ?? Number.NEGATIVE_INFINITY, datum.value));
    }
    const buckets = [...maxima.keys()].sort((a, b) => a - b);
    return {
      timestamps: buckets.map((bucket) => new Date(start + bucket * periodMs)),
      values: buckets.map((bucket) => maxima.get(bucket) ?? 0),
    };
  }

  #load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const line of text.split('\n')) {
      const datum = parseDatum(line);
      if (datum) this.#data.push(datum);
    }
    this.#startNewLine = text.length > 0 && !text.endsWith('\n');
  }
}

function copyDatum(datum: MetricDatum): MetricDatum {
  return { ...datum, timestamp: new Date(datum.timestamp) };
}

const savedDatum = z.object({
  instanceId: z.string(),
  metric: z.enum([...activitySignals, 'activity']),
  value: z.number(),
  timestamp: z.iso.datetime().transform((text) => new Date(text)),
});

/** A saved datum, or `undefined` for a line that is not one (cut short, edited by hand). */
function parseDatum(line: string): MetricDatum | undefined {
  try {
    const parsed = savedDatum.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
