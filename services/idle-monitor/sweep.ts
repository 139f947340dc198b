import pLimit from 'p-limit';
import { hourOf } from '../../contracts/activity-hour';
import { ownerSchema, sessionIdSchema } from '../../contracts/kit/correlation';
import type { Instance } from '../kit/ports';
import { TAGS } from '../kit/ports';
import { businessCalendar } from '../shared/calendar';
import { KEEP_ALIVE_PREFIX, keepAliveSchema } from '../shared/keep-alive';
import { act, type Target } from './act';
import { decide } from './decide';
import { decideStopped } from './forgotten';
import { EMPTY_STATE, IDLE_PREFIX, idleStateSchema, instanceOfIdleKey } from './idle-state';
import { loadRecords } from './load-records';
import { forgottenMessage } from './messages';
import type { MonitorContext } from './monitor-context';
import { readActivity } from './read-activity';
import type { WindowReading } from './window-reading';

/** The activity reporter takes a reading every five minutes: one per period. */
export const PERIOD_SECONDS = 300;
/** Instances handled side by side (S3, EC2 and bus calls), well within the APIs' rates. */
const CONCURRENT_INSTANCES = 16;

/** What one sweep did, for the log and the bench. */
export interface SweepSummary {
  running: number;
  read: number;
  mentioned: number;
  warned: number;
  stopped: number;
  missing: number;
  reminded: number;
  failed: number;
}

const instanceOfKeepAliveKey = (key: string): string | undefined =>
  /^kismo\/keep-alive\/(i-[0-9a-f]+)\.json$/.exec(key)?.[1];

/** The instance with the owner and session of its tags; `undefined` when it has no valid owner tag. */
function targetOf(instance: Instance): Target | undefined {
  const owner = ownerSchema.safeParse(instance.tags[TAGS.owner]);
  if (!owner.success) return undefined;
  const session = sessionIdSchema.safeParse(instance.tags[TAGS.session]);
  return { instance, owner: owner.data, ...(session.success ? { sessionId: session.data } : {}) };
}

/**
 * One hourly sweep at `tick` (the schedule's time, so a redelivery judges the same window): every
 * running kismo instance is read and decided on; every stopped one is checked for a reminder.
 * One instance's failure does not stop the others; the sweep throws at the end so SQS brings the
 * tick back, and the instances already done are skipped by their claims.
 */
export async function sweep(ctx: MonitorContext, tick: Date): Promise<SweepSummary> {
  const { ports, config, logger } = ctx;
  const windowMs = config.idle.windowMinutes * 60_000;
  // A reporter starts once the bootstrap has run: no data yet is no news for that long.
  const settleMs = windowMs + config.bootDeadlineMinutes * 60_000;

  const instances: Instance[] = [];
  for await (const instance of ports.compute.describe({
    states: ['pending', 'running', 'stopping', 'stopped'],
    tags: { [TAGS.managed]: 'true' },
  })) {
    instances.push(instance);
  }
  const targets: Target[] = [];
  for (const instance of instances) {
    const target = targetOf(instance);
    if (target) targets.push(target);
    else logger.warn('left alone: no valid kismo:owner tag', { instanceId: instance.instanceId });
  }
  const known = new Set(instances.map((i) => i.instanceId));
  const [idle, keeps] = await Promise.all([
    loadRecords(ports.objects, {
      prefix: IDLE_PREFIX,
      idOf: instanceOfIdleKey,
      schema: idleStateSchema,
      wanted: known,
      logger,
    }),
    loadRecords(ports.objects, {
      prefix: KEEP_ALIVE_PREFIX,
      idOf: instanceOfKeepAliveKey,
      schema: keepAliveSchema,
      logger,
    }),
  ]);

  // Reporters write each clock hour once it is over: the window is the last whole hours before the tick.
  const end = hourOf(tick);
  const window = { start: new Date(end.getTime() - windowMs), end, periodSeconds: PERIOD_SECONDS };
  const running = targets.filter((t) => t.instance.state === 'running');
  const age = (t: Target) => tick.getTime() - Date.parse(t.instance.launchedAt);
  const keepUntil = (t: Target) => keeps.records.get(t.instance.instanceId)?.until;
  const kept = (t: Target) => Date.parse(keepUntil(t) ?? '') > tick.getTime();
  const ranWholeWindow = (t: Target) => Date.parse(t.instance.launchedAt) <= window.start.getTime();
  const toRead = running.filter((t) => !kept(t) && ranWholeWindow(t));
  const readings = await readActivity(
    ports.objects,
    toRead.map((t) => ({ owner: t.owner, instanceId: t.instance.instanceId })),
    window,
    logger,
  );
  const policy = { calendar: businessCalendar(config.calendar) };

  const summary: SweepSummary = {
    running: running.length,
    read: toRead.length,
    mentioned: 0,
    warned: 0,
    stopped: 0,
    missing: 0,
    reminded: 0,
    failed: 0,
  };
  const counters = {
    mention: 'mentioned',
    warn: 'warned',
    stop: 'stopped',
    'report-missing': 'missing',
  } as const;

  const decideRunning = async (t: Target) => {
    const { instanceId } = t.instance;
    let reading: WindowReading = readings.get(instanceId) ?? { kind: 'warming-up' };
    if (reading.kind === 'missing' && age(t) < settleMs) reading = { kind: 'warming-up' };
    const previous = idle.records.get(instanceId);
    const state = { idle: previous ?? EMPTY_STATE, keepAliveUntil: keepUntil(t) };
    const decision = decide(reading, tick, state, policy);
    if (t.instance.tags[TAGS.stoppedBy]) {
      // Running again, yet still tagged as stopped (a restart cut short): the tag must not outlive it.
      await ports.compute.tag([instanceId], { [TAGS.stoppedBy]: '', [TAGS.stoppedAt]: '' });
    }
    const ran = await act(t, decision, previous, ctx, tick);
    if (decision.action.kind !== 'none' && ran) summary[counters[decision.action.kind]] += 1;
    logger.debug('decided', { instanceId, action: decision.action.kind, why: decision.why });
  };

  const decideStoppedOne = async (t: Target) => {
    const { instanceId } = t.instance;
    const previous = idle.records.get(instanceId);
    const stoppedAt = t.instance.tags[TAGS.stoppedAt];
    const outcome = decideStopped(
      stoppedAt,
      tick,
      previous ?? EMPTY_STATE,
      config.idle.remindStoppedAfterDays,
    );
    const subject = { ...t, instanceId, instanceType: t.instance.instanceType };
    const remind = () => ports.chat.post(forgottenMessage(subject, outcome.stoppedDays, config));
    const decision = { action: { kind: 'none' } as const, next: outcome.next, why: 'stopped' };
    const ran = await act(t, decision, previous, ctx, tick, outcome.remind ? [remind] : []);
    if (ran && outcome.remind) summary.reminded += 1;
  };

  const limit = pLimit(CONCURRENT_INSTANCES);
  const results = await Promise.allSettled([
    ...running.map((t) => limit(() => decideRunning(t))),
    ...targets.filter((t) => t.instance.state === 'stopped').map((t) => limit(() => decideStoppedOne(t))),
    // The state of an instance EC2 no longer lists (terminated) has nothing left to say.
    ...idle.orphans.map((key) => limit(() => ports.objects.delete(key))),
  ]);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  summary.failed = failures.length;
  logger.info('sweep done', { tick: tick.toISOString(), ...summary });
  if (failures.length > 0) {
    for (const error of failures.slice(0, 5))
      logger.error('an instance failed in this sweep', { error: error as Error });
    throw new Error(
      `${failures.length} of ${results.length} steps of the sweep at ${tick.toISOString()} failed`,
    );
  }
  return summary;
}
