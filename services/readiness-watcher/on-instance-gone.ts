import type { InstanceState } from '../../contracts/aws/ec2-state-change';
import { instanceBootFailed } from '../../contracts/catalog';
import { once } from '../kit/once';
import type { Instance } from '../kit/ports';
import { consoleTail } from './log-tail';
import { bootReported } from './session-markers';
import { sessionTags } from './trusted-instance';
import { claimKey, type WatcherContext } from './watcher-context';

/** States in which an instance that never said ready will never say it. */
const GONE: readonly InstanceState[] = ['stopped', 'terminated'];

/**
 * EC2 says an instance stopped or terminated. If it is kismo's and its bootstrap never reported
 * (no ready, failed or finished marker naming it), the boot failed: Instance Boot Failed, reason
 * `terminated`, with the console's tail. Once per instance, whatever else reported its failure.
 */
export async function onInstanceGone(
  detail: { 'instance-id': string; state: InstanceState },
  ctx: WatcherContext,
): Promise<void> {
  if (!GONE.includes(detail.state)) return;
  const instance = await describeOne(ctx, detail['instance-id']);
  const session = instance && sessionTags(instance);
  if (!instance || !session) return;
  if (await bootReported(ctx.ports.objects, session.owner, session.sessionId, instance.instanceId)) return;
  const ran = await once(ctx.ports.objects, claimKey(instance.instanceId, 'boot-failed'), async () => {
    await ctx.publish(instanceBootFailed, {
      ...session,
      instanceId: instance.instanceId,
      reason: 'terminated',
      message: `the instance was ${detail.state} before it was ready`,
      logTail: await consoleTail(ctx.ports.compute, instance.instanceId),
    });
  });
  if (!ran) ctx.logger.info('boot failure already reported', { state: detail.state });
}

/** The instance, or `undefined` when EC2 no longer knows it (terminated instances vanish after a while). */
async function describeOne(ctx: WatcherContext, instanceId: string): Promise<Instance | undefined> {
  try {
    for await (const instance of ctx.ports.compute.describe({ instanceIds: [instanceId] })) return instance;
  } catch (error) {
    if ((error as Error).name !== 'InvalidInstanceID.NotFound') throw error;
  }
  return undefined;
}
