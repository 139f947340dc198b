import type { IdleState } from './idle-state';

const DAY_MS = 24 * 3600_000;

/** What the sweep does about a stopped instance. */
export interface StoppedDecision {
  readonly remind: boolean;
  /** Days since the instance stopped. */
  readonly stoppedDays: number;
  readonly next: IdleState;
}

/**
 * A stopped instance still pays for its volume. After `afterDays` stopped, its owner is reminded,
 * then again every `afterDays` while it stays stopped. `stoppedAt` is the `kismo:stopped-at` tag
 * when kismo stopped it; otherwise the first sweep that saw it stopped stands in.
 */
export function decideStopped(
  stoppedAt: string | undefined,
  at: Date,
  idle: IdleState,
  afterDays: number,
): StoppedDecision {
  const since = stoppedAt || idle.stoppedSince || at.toISOString();
  const stoppedDays = (at.getTime() - Date.parse(since)) / DAY_MS;
  const lastReminder = idle.remindedAt ? (at.getTime() - Date.parse(idle.remindedAt)) / DAY_MS : undefined;
  const remind = stoppedDays >= afterDays && (lastReminder === undefined || lastReminder >= afterDays);
  return {
    remind,
    stoppedDays,
    next: {
      strikes: 0,
      stoppedSince: since,
      ...(remind ? { remindedAt: at.toISOString() } : idle.remindedAt ? { remindedAt: idle.remindedAt } : {}),
    },
  };
}
