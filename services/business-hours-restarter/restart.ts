import pLimit from 'p-limit';
import { instanceRestarted } from '../../contracts/catalog';
import { ownerSchema, sessionIdSchema } from '../../contracts/kit/correlation';
import type { ServiceContext } from '../kit/define-service';
import { once } from '../kit/once';
import type { Instance } from '../kit/ports';
import { TAGS } from '../kit/ports';
import { RetryLaterError } from '../kit/retry-later';
import { businessCalendar } from '../shared/calendar';
import { STOPPED_BY } from '../shared/stopped-by';

/** What the restarter publishes; the service declares exactly this. */
export const restarterEmits = [instanceRestarted] as const;
/** The context the restarter's steps receive. */
export type RestarterContext = ServiceContext<typeof restarterEmits>;

/** Start calls side by side; one instance short of capacity must not hold the others back. */
const CONCURRENT_STARTS = 8;

/** What one morning's run did. */
export interface RestartSummary {
  readonly restarted: readonly string[];
  readonly skipped?: 'not a business day';
}

/**
 * At the start of business hours (`tick`, the schedule's time): on a business day, starts every
 * instance the idle monitor stopped — never one its owner stopped or whose work finished — clears
 * its stopped-by tags and publishes Instance Restarted. The cron runs on every configured weekday;
 * only the calendar knows holidays, so it is asked first. An instance still stopping, or one that
 * failed to start, makes the run throw at the end so SQS brings the tick back for it alone.
 */
export async function restartStopped(ctx: RestarterContext, tick: Date): Promise<RestartSummary> {
  const { ports, config, logger } = ctx;
  if (!businessCalendar(config.calendar).isBusinessDay(tick)) {
    logger.info('not a business day: nothing restarted', { tick: tick.toISOString() });
    return { restarted: [], skipped: 'not a business day' };
  }
  const tagged: Instance[] = [];
  // Running or pending ones too: a run cut short after the start but before the tags were cleared.
  for await (const instance of ports.compute.describe({
    states: ['stopped', 'stopping', 'pending', 'running'],
    tags: { [TAGS.managed]: 'true', [TAGS.stoppedBy]: STOPPED_BY.idleMonitor },
  })) {
    tagged.push(instance);
  }
  const restarted: string[] = [];
  const limit = pLimit(CONCURRENT_STARTS);
  const results = await Promise.allSettled(
    tagged.map((instance) =>
      limit(async () => {
        if (await restartOne(instance, ctx, tick)) restarted.push(instance.instanceId);
      }),
    ),
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  logger.info('business hours began', { restarted: restarted.length, failed: failures.length });
  if (failures.length > 0) {
    for (const error of failures) logger.error('could not restart an instance', { error });
    throw new RetryLaterError(`${failures.length} of ${tagged.length} instances could not be restarted yet`);
  }
  return { restarted };
}

/** Starts one instance, clears its tags, then says so once; returns whether it said so here. */
async function restartOne(instance: Instance, ctx: RestarterContext, tick: Date): Promise<boolean> {
  const { ports, logger } = ctx;
  const { instanceId } = instance;
  const owner = ownerSchema.safeParse(instance.tags[TAGS.owner]);
  if (!owner.success) {
    logger.warn('left stopped: no valid kismo:owner tag', { instanceId });
    return false;
  }
  if (instance.state === 'stopping') {
    throw new RetryLaterError(`${instanceId} is still stopping: it can be started once stopped`);
  }
  if (instance.state === 'stopped') await ports.compute.start([instanceId]);
  // Cleared only once started: an instance stopped without the tag would never come back.
  await ports.compute.tag([instanceId], { [TAGS.stoppedBy]: '', [TAGS.stoppedAt]: '' });
  const session = sessionIdSchema.safeParse(instance.tags[TAGS.session]);
  return once(
    ports.objects,
    `business-hours-restarter/${instanceId}/${tick.toISOString()}`,
    () =>
      ctx.publish(instanceRestarted, {
        owner: owner.data,
        instanceId,
        ...(session.success ? { sessionId: session.data } : {}),
        reason: 'business-hours',
      }),
    { now: () => ports.clock.now() },
  );
}
