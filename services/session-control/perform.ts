import {
  instanceKeptAlive,
  instanceRestarted,
  instanceStopped,
  instanceTerminated,
} from '../../contracts/catalog';
import { hourlyPrice } from '../../contracts/prices';
import type { SessionRequest } from '../../contracts/session-request';
import type { Instance } from '../kit/ports';
import { TAGS } from '../kit/ports';
import { RetryLaterError } from '../kit/retry-later';
import { type KeepAlive, keepAliveKey } from '../shared/keep-alive';
import { STOPPED_BY } from '../shared/stopped-by';
import type { ControlContext } from './control-context';

/** A validated request and where it came from: the owner and session are the key's. */
export interface Requested {
  readonly owner: string;
  readonly sessionId: string;
  /** The request object's key. */
  readonly key: string;
  readonly request: SessionRequest;
}

/** Does what the owner asked of their instance, and publishes what happened. */
export async function perform(requested: Requested, instance: Instance, ctx: ControlContext): Promise<void> {
  const { ports, logger } = ctx;
  const { owner, sessionId, request } = requested;
  const { instanceId, state } = instance;
  const keys = { owner, sessionId, instanceId };
  const now = ports.clock.now().toISOString();
  switch (request.action) {
    case 'stop':
      // The owner's tag, even on an instance already stopped for idleness: business hours must not undo it.
      await ports.compute.tag([instanceId], { [TAGS.stoppedBy]: STOPPED_BY.owner, [TAGS.stoppedAt]: now });
      if (state === 'stopped' || state === 'stopping') {
        logger.info('already stopped: now kept stopped until its owner starts it', { instanceId, state });
        return;
      }
      await ports.compute.stop([instanceId]);
      await ctx.publish(instanceStopped, {
        ...keys,
        reason: 'user',
        hourlyPrice: hourlyPrice(instance.instanceType, ctx.config.region) ?? null,
      });
      return;
    case 'start':
      if (state === 'stopping')
        throw new RetryLaterError(`${instanceId} is still stopping; starting it later`);
      if (state === 'stopped') await ports.compute.start([instanceId]);
      await ports.compute.tag([instanceId], { [TAGS.stoppedBy]: '', [TAGS.stoppedAt]: '' });
      if (state !== 'stopped') {
        logger.info('already running: nothing to start', { instanceId, state });
        return;
      }
      await ctx.publish(instanceRestarted, { ...keys, reason: 'user' });
      return;
    case 'down':
      await ports.compute.terminate([instanceId]);
      await ports.objects.delete(keepAliveKey(instanceId));
      await ctx.publish(instanceTerminated, { ...keys, reason: 'user' });
      return;
    case 'keep': {
      const until = request.until as string;
      const record: KeepAlive = { ...keys, until, request: requested.key, requestedAt: now };
      await ports.objects.put(keepAliveKey(instanceId), JSON.stringify(record), {
        contentType: 'application/json',
      });
      await ctx.publish(instanceKeptAlive, { ...keys, until });
      return;
    }
  }
}
