import { instanceBootFailed } from '../../contracts/catalog';
import { once } from '../kit/once';
import type { Instance } from '../kit/ports';
import { TAGS } from '../kit/ports';
import { consoleTail } from './log-tail';
import { bootReported } from './session-markers';
import { sessionTags } from './trusted-instance';
import { claimKey, type WatcherContext } from './watcher-context';

/**
 * How far past the deadline a sweep still looks. Sweeps run every 5 minutes, so a silent boot is
 * reported within minutes of its deadline; without a bound, every long-running instance would cost
 * three marker reads per sweep forever. A day covers a watcher that was down for hours.
 */
const LOOK_BACK_MS = 24 * 3600_000;

/**
 * The schedule's sweep: every kismo instance still pending or running `bootDeadlineMinutes` after
 * its launch without a marker naming it gets Instance Boot Failed, reason `timeout`, with the
 * console's tail — once per instance, however many sweeps see it.
 */
export async function onDeadline(ctx: WatcherContext): Promise<void> {
  const deadlineMs = ctx.config.bootDeadlineMinutes * 60_000;
  const now = ctx.ports.clock.now().getTime();
  const overdue: Instance[] = [];
  for await (const instance of ctx.ports.compute.describe({
    states: ['pending', 'running'],
    tags: { [TAGS.managed]: 'true' },
  })) {
    const age = now - Date.parse(instance.launchedAt);
    if (age > deadlineMs && age <= deadlineMs + LOOK_BACK_MS) overdue.push(instance);
  }
  for (const instance of overdue) await reportIfSilent(instance, ctx);
}

async function reportIfSilent(instance: Instance, ctx: WatcherContext): Promise<void> {
  const session = sessionTags(instance);
  if (!session) return;
  if (await bootReported(ctx.ports.objects, session.owner, session.sessionId, instance.instanceId)) return;
  const minutes = ctx.config.bootDeadlineMinutes;
  const ran = await once(ctx.ports.objects, claimKey(instance.instanceId, 'boot-failed'), async () => {
    await ctx.publish(instanceBootFailed, {
      ...session,
      instanceId: instance.instanceId,
      reason: 'timeout',
      message: `not ready ${minutes} minutes after launch (launched ${instance.launchedAt})`,
      logTail: await consoleTail(ctx.ports.compute, instance.instanceId),
    });
  });
  if (ran) ctx.logger.warn('boot deadline passed', { instanceId: instance.instanceId, ...session });
}
