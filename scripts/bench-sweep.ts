// npm run bench:sweep — one idle-monitor sweep over 10,000 running instances, through the real
// CloudWatch adapter against a stand-in that answers each GetMetricData in 50 ms and, as CloudWatch
// does, refuses a call for more than 500 distinct metrics. Every instance's reporter publishes one
// Activity metric (its busiest signal over its idle threshold), so a sweep reads one metric per
// instance: ceil(10,000 / 500) = 20 calls, whatever share of the fleet is idle. Prints the calls
// and the sweep time per fleet; every fleet must meet the targets, at most 60 calls and under 10 s.
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { SCHEDULER_SOURCE } from '../contracts/aws/scheduled-event';
import service from '../services/idle-monitor/service';
import { parseConfig } from '../services/kit/config';
import { deliver } from '../services/kit/deliver';
import { logger } from '../services/kit/logger';
import { type Compute, type Instance, metricNames, type Ports, TAGS } from '../services/kit/ports';
import { cloudWatchMetrics } from '../services/kit/ports/metrics';
import { activityOf, type SignalReading } from '../services/shared/activity';
import { MemoryObjects } from '../test/support/memory-ports';

const INSTANCES = Number(process.env.INSTANCES ?? 10_000);
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 50);
const MAX_CALLS = 60;
const MAX_SECONDS = 10;
/** CloudWatch's limit: distinct metrics a GetMetricData call may retrieve. */
const MAX_METRICS_PER_CALL = 500;
// Monday 30 November 2026: 11:00 and 20:00 in Tokyo.
const IN_HOURS = '2026-11-30T02:00:00.000Z';
const AT_NIGHT = '2026-11-30T11:00:00.000Z';

interface Fleet {
  readonly name: string;
  readonly tick: string;
  /** Whether instance `i` is in use (its memory at 40 %) or idle (every signal near 0). */
  readonly busy: (i: number) => boolean;
}

const fleets: Fleet[] = [
  { name: 'half in use, business hours', tick: IN_HOURS, busy: (i) => i % 2 === 0 },
  { name: 'half in use, at night', tick: AT_NIGHT, busy: (i) => i % 2 === 0 },
  { name: 'all in use', tick: IN_HOURS, busy: () => true },
  { name: 'a third in use, at night', tick: AT_NIGHT, busy: (i) => i % 3 === 0 },
  { name: 'all idle (worst case)', tick: AT_NIGHT, busy: () => false },
];

const idOf = (i: number) => `i-0${i.toString(16).padStart(16, '0')}`;
const indexOf = (id: string) => Number.parseInt(id.slice(3), 16);

/** 10,000 running kismo instances, launched two hours before the tick. */
function fleetCompute(tick: string): Compute & { stopped: number } {
  const launchedAt = new Date(Date.parse(tick) - 2 * 3600_000).toISOString();
  const instances: Instance[] = Array.from({ length: INSTANCES }, (_, i) => ({
    instanceId: idOf(i),
    instanceType: 'g4dn.xlarge',
    state: 'running',
    availabilityZone: 'us-east-1a',
    launchedAt,
    tags: {
      [TAGS.managed]: 'true',
      [TAGS.owner]: `user${i % 200}`,
      [TAGS.session]: `20261130-000000-${String(i).padStart(6, '0')}`,
    },
  }));
  const compute = {
    stopped: 0,
    async *describe() {
      yield* instances;
    },
    stop: async (ids: readonly string[]) => {
      compute.stopped += ids.length;
    },
    tag: async () => {},
    start: async () => {},
    terminate: async () => {},
    launch: async () => {
      throw new Error('no launches in a sweep');
    },
    consoleOutput: async () => '',
  };
  return compute;
}

const config = parseConfig({ bucket: 'kismo-bench' });
const IN_USE: SignalReading = { gpu: 2, memory: 40, cpu: 2, sessions: 0 };
const IDLE: SignalReading = { gpu: 2, memory: 2, cpu: 2, sessions: 0 };

/** CloudWatch's answer for a batch: 12 five-minute maxima of Activity per query, after LATENCY_MS. */
function standIn(fleet: Fleet, stats: { calls: number; metrics: number }) {
  const activity = (busy: boolean) => activityOf(busy ? IN_USE : IDLE, config.idle.thresholds);
  return async (input: GetMetricDataCommandInput) => {
    const queries = input.MetricDataQueries ?? [];
    const metrics = new Set(
      queries.map((q) =>
        JSON.stringify([q.MetricStat?.Metric?.MetricName, q.MetricStat?.Metric?.Dimensions]),
      ),
    );
    if (metrics.size > MAX_METRICS_PER_CALL)
      throw new Error(`GetMetricData retrieves at most ${MAX_METRICS_PER_CALL} metrics, got ${metrics.size}`);
    stats.calls += 1;
    stats.metrics += metrics.size;
    await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
    const start = input.StartTime instanceof Date ? input.StartTime.getTime() : Number(input.StartTime);
    return {
      MetricDataResults: queries.map((q) => {
        const metric = q.MetricStat?.Metric;
        const known = metric?.MetricName === metricNames.activity;
        const value = activity(fleet.busy(indexOf(metric?.Dimensions?.[0]?.Value ?? '')));
        return {
          Id: q.Id,
          Timestamps: known ? Array.from({ length: 12 }, (_, k) => new Date(start + k * 300_000)) : [],
          Values: known ? Array.from({ length: 12 }, () => value) : [],
        };
      }),
    };
  };
}

const cloudWatch = mockClient(CloudWatchClient);
const rows: string[][] = [['fleet', 'GetMetricData calls', 'metrics read', 'sweep', 'events', 'targets']];
let missed = false;

for (const fleet of fleets) {
  const stats = { calls: 0, metrics: 0 };
  cloudWatch.reset();
  cloudWatch.on(GetMetricDataCommand).callsFake(standIn(fleet, stats));
  let events = 0;
  const ports: Ports = {
    objects: new MemoryObjects(),
    compute: fleetCompute(fleet.tick),
    metrics: cloudWatchMetrics(new CloudWatchClient({ region: 'us-east-1' })),
    bus: {
      putEvents: async (entries) => {
        events += entries.length;
        return entries.map((_, i) => ({ EventId: `e${events + i}` }));
      },
    },
    chat: { post: async () => ({ ts: '0' }) },
    clock: { now: () => new Date(fleet.tick) },
  };
  const tick = {
    version: '0',
    id: `bench-${fleet.name}`,
    'detail-type': 'Scheduled Event',
    source: SCHEDULER_SOURCE,
    account: '000000000000',
    time: fleet.tick,
    region: 'us-east-1',
    resources: [],
    detail: { service: 'idle-monitor', scheduledTime: fleet.tick },
  };
  const started = performance.now();
  await deliver(service, tick, { ports, config, logger });
  const seconds = (performance.now() - started) / 1000;
  const met = stats.calls <= MAX_CALLS && seconds < MAX_SECONDS;
  if (!met) missed = true;
  rows.push([
    fleet.name,
    String(stats.calls),
    stats.metrics.toLocaleString('en-US'),
    `${seconds.toFixed(2)} s`,
    events.toLocaleString('en-US'),
    met ? 'met' : 'MISSED',
  ]);
}

const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
process.stdout.write(
  `bench:sweep — ${INSTANCES.toLocaleString('en-US')} running instances, GetMetricData answering in ${LATENCY_MS} ms, ` +
    `targets ≤ ${MAX_CALLS} calls and < ${MAX_SECONDS} s\n\n`,
);
for (const row of rows)
  process.stdout.write(
    `${row
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()}\n`,
  );
process.stdout.write(
  `\nGetMetricData retrieves at most ${MAX_METRICS_PER_CALL} metrics a call (SEARCH matches included). Each instance's\n` +
    'reporter publishes Activity, its busiest signal over its idle threshold, so the sweep reads one metric\n' +
    `per instance: ${Math.ceil(INSTANCES / MAX_METRICS_PER_CALL)} calls for ${INSTANCES.toLocaleString('en-US')} instances, idle or not.\n`,
);
process.exitCode = missed ? 1 : 0;
