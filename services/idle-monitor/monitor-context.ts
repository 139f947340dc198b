import { idleStrikesCleared, instanceIdle, instanceStopped } from '../../contracts/catalog';
import type { ServiceContext } from '../kit/define-service';

/** What the monitor publishes; the service declares exactly these. */
export const monitorEmits = [instanceIdle, instanceStopped, idleStrikesCleared] as const;

/** The context the monitor's steps receive. */
export type MonitorContext = ServiceContext<typeof monitorEmits>;

/**
 * The claim (under `kismo/claims/`) of one instance in one sweep: a redelivered tick finds it done
 * and neither counts a strike twice nor posts twice.
 */
export const sweepClaim = (instanceId: string, tick: Date): string =>
  `idle-monitor/${instanceId}/${tick.toISOString()}`;
