import { idleStrikesCleared, instanceIdle, instanceStopped } from '../../contracts/catalog';
import { hourlyPrice } from '../../contracts/prices';
import { once } from '../kit/once';
import type { Instance } from '../kit/ports';
import { TAGS } from '../kit/ports';
import { STOPPED_BY } from '../shared/stopped-by';
import type { Decision } from './decide';
import { type IdleState, idleKey, isEmptyState, sameState } from './idle-state';
import { missingDataMessage } from './messages';
import { type MonitorContext, sweepClaim } from './monitor-context';
import { forEvent } from './window-reading';

/** A kismo instance with its correlation keys, read from its tags. */
export interface Target {
  readonly instance: Instance;
  readonly owner: string;
  readonly sessionId?: string;
}

type Effect = () => Promise<unknown>;

function effectsOf(target: Target, decision: Decision, ctx: MonitorContext, tick: Date): Effect[] {
  const { instance, owner, sessionId } = target;
  const { instanceId } = instance;
  const keys = { owner, instanceId, ...(sessionId ? { sessionId } : {}) };
  const effects: Effect[] = [];
  const { action, cleared } = decision;
  if (cleared) {
    effects.push(() =>
      ctx.publish(idleStrikesCleared, { ...keys, strikes: cleared.strikes, reason: cleared.reason }),
    );
  }
  switch (action.kind) {
    case 'mention':
    case 'warn':
      effects.push(() =>
        ctx.publish(instanceIdle, {
          ...keys,
          readings: forEvent(action.activity),
          businessHours: action.kind === 'mention',
          strike: action.kind === 'warn' ? action.strike : 0,
          action: action.kind === 'mention' ? 'mention' : 'will-stop',
        }),
      );
      break;
    case 'stop':
      // Tagged first: an instance stopped without the tag would never be started again in the morning.
      effects.push(
        () =>
          ctx.ports.compute.tag([instanceId], {
            [TAGS.stoppedBy]: STOPPED_BY.idleMonitor,
            [TAGS.stoppedAt]: tick.toISOString(),
          }),
        () => ctx.ports.compute.stop([instanceId]),
        () =>
          ctx.publish(instanceStopped, {
            ...keys,
            reason: 'idle',
            hourlyPrice: hourlyPrice(instance.instanceType, ctx.config.region) ?? null,
          }),
      );
      break;
    case 'report-missing':
      effects.push(() =>
        ctx.ports.chat.post(missingDataMessage({ ...keys, instanceType: instance.instanceType }, ctx.config)),
      );
      break;
    case 'none':
      break;
  }
  return effects;
}

/** Stores the next state: deleted when there is nothing to remember, untouched when unchanged. */
export async function saveState(
  ctx: MonitorContext,
  instanceId: string,
  previous: IdleState | undefined,
  next: IdleState,
): Promise<void> {
  const key = idleKey(instanceId);
  if (isEmptyState(next)) {
    if (previous) await ctx.ports.objects.delete(key);
    return;
  }
  if (previous && sameState(previous, next)) return;
  await ctx.ports.objects.put(key, JSON.stringify(next), { contentType: 'application/json' });
}

/**
 * Carries out a decision and stores its state. Side effects run under the sweep's claim for the
 * instance, so a redelivered tick does nothing twice; returns whether they ran here.
 */
export async function act(
  target: Target,
  decision: Decision,
  previous: IdleState | undefined,
  ctx: MonitorContext,
  tick: Date,
  extra: readonly Effect[] = [],
): Promise<boolean> {
  const { instanceId } = target.instance;
  const effects = [...effectsOf(target, decision, ctx, tick), ...extra];
  const write = () => saveState(ctx, instanceId, previous, decision.next);
  if (effects.length === 0) {
    await write();
    return false;
  }
  return once(
    ctx.ports.objects,
    sweepClaim(instanceId, tick),
    async () => {
      for (const effect of effects) await effect();
      await write();
    },
    { now: () => ctx.ports.clock.now() },
  );
}
