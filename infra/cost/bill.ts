import { parseScheduleExpression } from '../local/clock/schedule-expression';
import type { Inventory } from './inventory';
import { ALWAYS_FREE, type ControlPlanePrices } from './prices';

/** Who uses kismo, and how, in a month: the bill's other half. */
export interface UsageModel {
  readonly users: number;
  /** Instances running on a working day (each stopped at night and started in the morning). */
  readonly instances: number;
  /** Hours an instance runs on a working day (business hours only: the idle monitor stops it after). */
  readonly hoursPerDay: number;
  readonly workingDays: number;
  /** New sessions a month (push → launch → down). */
  readonly sessions: number;
  /** Slack button presses a month (the actions endpoint). */
  readonly presses: number;
  /** Average billed duration of an invocation, cold starts included. */
  readonly secondsPerInvocation: number;
}

/** 20 users and 50 instances in business hours, 21 working days: a session a user a day. */
export const DEFAULT_USAGE: UsageModel = {
  users: 20,
  instances: 50,
  hoursPerDay: 10,
  workingDays: 21,
  sessions: 420,
  presses: 200,
  secondsPerInvocation: 0.4,
};

/** The same deployment with nothing launched: the floor. */
export const NO_INSTANCES: UsageModel = { ...DEFAULT_USAGE, instances: 0, sessions: 0, presses: 0 };

/** One line of the bill: what, the arithmetic in words, and dollars without and with the free tier. */
export interface BillLine {
  readonly item: string;
  readonly arithmetic: string;
  readonly usd: number;
  readonly usdWithFreeTier: number;
}

export interface Bill {
  readonly region: string;
  readonly asOf: string;
  readonly sources: readonly string[];
  readonly usage: UsageModel;
  /** The events behind the lines, a month. */
  readonly volumes: Readonly<Record<string, number>>;
  readonly lines: readonly BillLine[];
  readonly total: number;
  readonly totalWithFreeTier: number;
}

const HOURS_A_MONTH = 730;
const KB_PER_GB = 1024 * 1024;
/** Lambda's SQS poller: 5 long polls of 20 s at a time on an idle queue, 3 a minute each. */
const POLLS_A_MONTH_PER_QUEUE = 5 * 3 * 60 * HOURS_A_MONTH;
const LOG_KB_PER_INVOCATION = 3;
const EVENT_KB = 1.5;

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const usd = (x: number) => `$${x < 0.01 && x > 0 ? x.toPrecision(2) : x.toFixed(2)}`;
const perMillion = (price: number) => `${usd(price)} / 1M`;

/** Occurrences a month of a schedule: a whole year of them (2027) over twelve. */
export function runsPerMonth(expression: string, timeZone: string): number {
  const schedule = parseScheduleExpression(expression, { anchor: new Date('2027-01-01T00:00:00Z') });
  const end = Date.parse('2028-01-01T00:00:00Z');
  let count = 0;
  for (let t = schedule.next(new Date('2026-12-31T23:59:59Z'), timeZone); t && t.getTime() < end; ) {
    count += 1;
    t = schedule.next(t, timeZone);
  }
  return count / 12;
}

/**
 * The events of a month under the model, by EventBridge source and detail-type. Per session:
 * launched, ready, terminated and two cost estimates; the EC2 states of a launch and a
 * termination; its manifest, ready marker and down request. Per instance and working day: an idle
 * mention, a will-stop warning, the night's stop and the morning's restart with their two cost
 * estimates and four EC2 states.
 */
export function eventsOf(usage: UsageModel): Map<string, number> {
  const instanceDays = usage.instances * usage.workingDays;
  const s = usage.sessions;
  return new Map([
    ['kismo|Instance Launched', s],
    ['kismo|Instance Ready', s],
    ['kismo|Instance Terminated', s],
    ['kismo|Cost Estimated', 2 * s + 2 * instanceDays],
    ['kismo|Instance Idle', 2 * instanceDays],
    ['kismo|Instance Stopped', instanceDays],
    ['kismo|Instance Restarted', instanceDays],
    ['aws.ec2|EC2 Instance State-change Notification', 4 * s + 4 * instanceDays],
    ['aws.s3|Object Created', 3 * s],
  ]);
}

const matches = (rule: { sources: readonly string[]; detailTypes: readonly string[] }, key: string) => {
  const [source, detailType] = key.split('|') as [string, string];
  return (
    (rule.sources.length === 0 || rule.sources.includes(source)) &&
    (rule.detailTypes.length === 0 || rule.detailTypes.includes(detailType))
  );
};

/**
 * The control plane's month: every line from the template's resources and the model's volumes,
 * at the region's list prices; each line also with AWS's always-free tier taken off.
 */
export function billOf(
  inventory: Inventory,
  usage: UsageModel,
  prices: ControlPlanePrices,
  region: string,
): Bill {
  const events = eventsOf(usage);
  const kismoEvents = sum([...events].filter(([k]) => k.startsWith('kismo|')).map(([, v]) => v));
  const forwarded = sum(
    [...events]
      .filter(([k]) => !k.startsWith('kismo|') && inventory.rules.some((r) => r.forwards && matches(r, k)))
      .map(([, v]) => v),
  );

  // Deliveries: each event to each service rule that matches it (detail filters ignored: an upper bound).
  const invocations = new Map<string, number>(inventory.functions.map((f) => [f.name, 0]));
  let queued = 0;
  for (const rule of inventory.rules) {
    if (!rule.function) continue;
    const delivered = sum([...events].filter(([k]) => matches(rule, k)).map(([, v]) => v));
    invocations.set(rule.function, (invocations.get(rule.function) ?? 0) + delivered);
    queued += delivered;
  }
  let scheduledRuns = 0;
  for (const schedule of inventory.schedules) {
    const runs = runsPerMonth(schedule.expression, schedule.timeZone);
    scheduledRuns += runs;
    invocations.set(schedule.function, (invocations.get(schedule.function) ?? 0) + runs);
    if (schedule.via === 'queue') queued += runs;
  }
  for (const url of inventory.functionUrls) invocations.set(url, (invocations.get(url) ?? 0) + usage.presses);
  const totalInvocations = sum([...invocations.values()]);
  const gbSeconds = sum(
    inventory.functions.map(
      (f) => (invocations.get(f.name) ?? 0) * usage.secondsPerInvocation * (f.memoryMb / 1024),
    ),
  );

  const instanceHours = usage.instances * usage.hoursPerDay * usage.workingDays;
  const sqsMessages = queued * 3;
  const sqsPolls = inventory.polledQueues * POLLS_A_MONTH_PER_QUEUE;
  const sqsRequests = sqsMessages + sqsPolls;
  // S3: a state or claim write and a read per invocation, an activity hour written and read per instance-hour.
  const s3Puts = 2 * totalInvocations + instanceHours;
  const s3Gets = 2 * totalInvocations + instanceHours;
  const logGb = (totalInvocations * LOG_KB_PER_INVOCATION + (kismoEvents + forwarded) * EVENT_KB) / KB_PER_GB;
  const archiveGb = inventory.archives > 0 ? ((kismoEvents + forwarded) * EVENT_KB) / KB_PER_GB : 0;
  // Five metrics per instance (the old reporter), each billed for the hours it had data.
  const customMetrics = inventory.putsCustomMetrics ? (5 * instanceHours) / HOURS_A_MONTH : 0;

  const lines: BillLine[] = [];
  const line = (item: string, arithmetic: string, cost: number, free = cost) =>
    lines.push({ item, arithmetic, usd: cost, usdWithFreeTier: Math.max(0, free) });
  const p = prices;

  const lambdaRequests = (totalInvocations * p.lambdaPerMillionRequests) / 1e6;
  line(
    'Lambda requests',
    `${n(totalInvocations)} invocations × ${perMillion(p.lambdaPerMillionRequests)} (free: 1M)`,
    lambdaRequests,
    ((totalInvocations - ALWAYS_FREE.lambdaRequests) * p.lambdaPerMillionRequests) / 1e6,
  );
  line(
    'Lambda duration (arm64)',
    `${n(totalInvocations)} × ${usage.secondsPerInvocation} s × memory = ${n(gbSeconds)} GB-s × $${p.lambdaPerGbSecondArm} (free: 400,000 GB-s)`,
    gbSeconds * p.lambdaPerGbSecondArm,
    (gbSeconds - ALWAYS_FREE.lambdaGbSeconds) * p.lambdaPerGbSecondArm,
  );
  line(
    'SQS requests',
    `${n(queued)} messages × 3 (send, receive, delete) + ${inventory.polledQueues} polled queues × 5 pollers × 3 polls/min × ${n(60 * HOURS_A_MONTH)} min = ${n(sqsRequests)} × ${perMillion(p.sqsPerMillionRequests)} (free: 1M)`,
    (sqsRequests * p.sqsPerMillionRequests) / 1e6,
    ((sqsRequests - ALWAYS_FREE.sqsRequests) * p.sqsPerMillionRequests) / 1e6,
  );
  line(
    'EventBridge events',
    `${n(kismoEvents)} kismo events + ${n(forwarded)} AWS events forwarded to the kismo bus × ${perMillion(p.eventBridgePerMillionEvents)}`,
    ((kismoEvents + forwarded) * p.eventBridgePerMillionEvents) / 1e6,
  );
  if (inventory.archives > 0) {
    line(
      'EventBridge archive',
      `${n(kismoEvents + forwarded)} events × ${EVENT_KB} KB = ${archiveGb.toFixed(3)} GB × (${usd(p.eventBridgeArchivePerGbProcessed)} + $${p.s3PerGbMonth}) / GB`,
      archiveGb * (p.eventBridgeArchivePerGbProcessed + p.s3PerGbMonth),
    );
  }
  line(
    'EventBridge Scheduler',
    `${inventory.schedules.length} schedules, ${n(scheduledRuns)} runs × ${perMillion(p.schedulerPerMillionInvocations)}`,
    (scheduledRuns * p.schedulerPerMillionInvocations) / 1e6,
  );
  line(
    'S3 PUT and LIST',
    `2 per invocation + 1 activity hour per instance-hour (${n(instanceHours)}) = ${n(s3Puts)} × ${usd(p.s3PerThousandPuts)} / 1,000`,
    (s3Puts * p.s3PerThousandPuts) / 1000,
  );
  line(
    'S3 GET',
    `2 per invocation + 1 activity hour read per instance-hour = ${n(s3Gets)} × ${usd(p.s3PerThousandGets)} / 1,000`,
    (s3Gets * p.s3PerThousandGets) / 1000,
  );
  line(
    'CloudWatch custom metrics',
    inventory.putsCustomMetrics
      ? `5 per instance × ${usage.instances} instances, pro rata of ${n(instanceHours / Math.max(usage.instances, 1))} h / ${HOURS_A_MONTH} h × ${usd(p.cloudWatchPerCustomMetric)}`
      : 'none: instances write their activity to S3',
    customMetrics * p.cloudWatchPerCustomMetric,
    (customMetrics - ALWAYS_FREE.cloudWatchCustomMetrics) * p.cloudWatchPerCustomMetric,
  );
  line(
    'CloudWatch alarms',
    `${inventory.alarms} alarm${inventory.alarms === 1 ? '' : 's'}, ${inventory.alarmMetrics} metric${inventory.alarmMetrics === 1 ? '' : 's'} × ${usd(p.cloudWatchPerAlarmMetric)} (free: 10)`,
    inventory.alarmMetrics * p.cloudWatchPerAlarmMetric,
    (inventory.alarmMetrics - ALWAYS_FREE.cloudWatchAlarmMetrics) * p.cloudWatchPerAlarmMetric,
  );
  line(
    'CloudWatch dashboards',
    inventory.dashboards > 0
      ? `${inventory.dashboards} × ${usd(p.cloudWatchPerDashboard)} (free: 3)`
      : 'none (cdk.json kismo.dashboard: false)',
    inventory.dashboards * p.cloudWatchPerDashboard,
    (inventory.dashboards - ALWAYS_FREE.cloudWatchDashboards) * p.cloudWatchPerDashboard,
  );
  const logsCost = logGb * (p.logsPerGbIngested + p.logsPerGbMonthStored);
  line(
    'CloudWatch Logs',
    `${n(totalInvocations)} invocations × ${LOG_KB_PER_INVOCATION} KB + ${n(kismoEvents + forwarded)} events × ${EVENT_KB} KB = ${logGb.toFixed(3)} GB × (${usd(p.logsPerGbIngested)} ingested + ${usd(p.logsPerGbMonthStored)} stored) (free: 5 GB)`,
    logsCost,
    (logGb - ALWAYS_FREE.logsGb) * (p.logsPerGbIngested + p.logsPerGbMonthStored),
  );
  line(
    'Slack credentials',
    inventory.secrets > 0
      ? `${inventory.secrets} Secrets Manager secret(s) × ${usd(p.secretsManagerPerSecret)}`
      : 'SSM Parameter Store standard SecureString parameters: no charge',
    inventory.secrets * p.secretsManagerPerSecret,
  );
  line(
    'KMS',
    inventory.kmsKeys > 0
      ? `${inventory.kmsKeys} keys × ${usd(p.kmsPerKey)}`
      : 'no customer-managed key (SSE-S3, SSE-SQS, aws/ssm)',
    inventory.kmsKeys * p.kmsPerKey,
  );

  const volumes: Record<string, number> = {
    sessions: usage.sessions,
    instanceHours,
    kismoEvents,
    forwardedEvents: forwarded,
    scheduledRuns: Math.round(scheduledRuns),
    invocations: Math.round(totalInvocations),
    sqsRequests: Math.round(sqsRequests),
  };
  for (const [name, count] of invocations) volumes[`invocations:${name}`] = Math.round(count);
  return {
    region,
    asOf: p.asOf,
    sources: p.sources,
    usage,
    volumes,
    lines,
    total: roundCents(sum(lines.map((l) => l.usd))),
    totalWithFreeTier: roundCents(sum(lines.map((l) => l.usdWithFreeTier))),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function roundCents(x: number): number {
  return Math.round(x * 100) / 100;
}
