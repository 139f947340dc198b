import {
  type MarkerName,
  markerNames,
  type ObjectCreatedDetail,
  parseSessionKey,
} from '../../contracts/aws/s3-object-created';
import { instanceBootFailed, instanceReady, workFinished } from '../../contracts/catalog';
import { once } from '../kit/once';
import type { Instance } from '../kit/ports';
import { reachOf, sandboxOf } from './connect';
import { tail } from './log-tail';
import { type MarkerOf, readMarker } from './session-markers';
import { trustedInstance } from './trusted-instance';
import { claimKey, type WatcherContext } from './watcher-context';

interface Session {
  readonly owner: string;
  readonly sessionId: string;
  readonly instanceId: string;
}

type Publisher<N extends MarkerName> = (
  marker: MarkerOf[N],
  instance: Instance,
  session: Session,
  ctx: WatcherContext,
) => Promise<void>;

/** What each marker means, as the event the watcher publishes for it. */
const publishers: { [N in MarkerName]: Publisher<N> } = {
  ready: async (marker, instance, session, ctx) => {
    const sandbox = sandboxOf(ctx.ports.compute, instance.instanceId);
    await ctx.publish(instanceReady, {
      ...session,
      ...reachOf(instance),
      bootSeconds: marker.bootSeconds,
      dataSeconds: marker.dataSeconds,
      instanceType: instance.instanceType,
      ...(sandbox ? { sandbox } : {}),
    });
  },
  failed: async (marker, _instance, session, ctx) => {
    await ctx.publish(instanceBootFailed, {
      ...session,
      reason: 'bootstrap-error',
      message: marker.reason,
      logTail: tail(marker.logTail),
    });
  },
  finished: async (marker, _instance, session, ctx) => {
    await ctx.publish(workFinished, {
      ...session,
      exitCode: marker.exitCode,
      seconds: marker.seconds,
      // No outputs folder: neither, so no one is told to pull or to rescue anything.
      outputsPrefix: marker.outputsPrefix ?? undefined,
      outputsUploaded: marker.outputsUploaded ?? undefined,
      afterRun: marker.afterRun,
    });
  },
};

const outcomes = { ready: 'ready', failed: 'boot-failed', finished: 'finished' } as const;

const markerName = (rest: string): MarkerName | undefined =>
  markerNames.find((name) => rest === `${name}.json`);

/**
 * A marker written under a session: `ready.json` → Instance Ready, `failed.json` → Instance Boot
 * Failed, `finished.json` → Work Finished — each once per instance, and only for a marker whose
 * instance EC2 confirms (see {@link trustedInstance}); anything else is logged and dropped.
 */
export async function onMarker(detail: ObjectCreatedDetail, ctx: WatcherContext): Promise<void> {
  const parts = parseSessionKey(detail.object.key);
  const name = parts && markerName(parts.rest);
  if (!parts || !name) return;
  await handleMarker(name, detail.object.key, parts, ctx);
}

async function handleMarker<N extends MarkerName>(
  name: N,
  key: string,
  { owner, sessionId }: { owner: string; sessionId: string },
  ctx: WatcherContext,
): Promise<void> {
  const read = await readMarker(ctx.ports.objects, key, name);
  if (!read.ok) {
    ctx.logger.warn('marker ignored', { key, problem: read.problem });
    return;
  }
  const instance = await trustedInstance(ctx.ports.compute, owner, sessionId, read.marker.instanceId);
  if (!instance) {
    ctx.logger.warn('marker ignored: EC2 has no instance of this session and owner with its instanceId', {
      key,
      claimedInstanceId: read.marker.instanceId,
    });
    return;
  }
  const session = { owner, sessionId, instanceId: instance.instanceId };
  const publish: Publisher<N> = publishers[name];
  const ran = await once(ctx.ports.objects, claimKey(instance.instanceId, outcomes[name]), () =>
    publish(read.marker, instance, session, ctx),
  );
  if (!ran) ctx.logger.info('marker already handled', { key });
}
