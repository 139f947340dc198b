import * as z from 'zod';
import { isoTimeSchema } from '../../contracts/kit/correlation';

const HOUR_MS = 3600_000;
/** AWS prices EBS by the GiB-month; a month, for proration, is 730 hours. */
export const HOURS_PER_MONTH = 730;

/**
 * What kismo knows of one session's costs: its hourly price, its volume's, and the running and
 * stopped stretches so far. Kept by the estimator at `kismo/costs/<owner>/<session>.json`.
 */
export const sessionLedgerSchema = z.object({
  hourly: z.number().nonnegative(),
  /** The root volume's price per hour: its monthly gp3 price over 730 hours. */
  volumeHourly: z.number().nonnegative(),
  launchedAt: isoTimeSchema,
  /** Set while the instance runs: since when. */
  runningSince: isoTimeSchema.optional(),
  /** Set once the instance is terminated: nothing accrues after. */
  endedAt: isoTimeSchema.optional(),
  /** Hours the instance ran, in stretches that ended. */
  ranHours: z.number().nonnegative(),
  /** Set while kismo keeps the instance stopped for idleness: since when. */
  idleSince: isoTimeSchema.optional(),
  /** Hours it stood stopped for idleness, in stretches that ended: hours not paid for. */
  idleSavedHours: z.number().nonnegative().default(0),
});
export type SessionLedger = z.output<typeof sessionLedgerSchema>;

const hoursBetween = (from: string, to: Date): number =>
  Math.max(0, (to.getTime() - Date.parse(from)) / HOUR_MS);

/** A new session's ledger: running from its launch. */
export function opened(launchedAt: string, hourly: number, volumeMonthly: number): SessionLedger {
  return {
    hourly,
    volumeHourly: volumeMonthly / HOURS_PER_MONTH,
    launchedAt,
    runningSince: launchedAt,
    ranHours: 0,
    idleSavedHours: 0,
  };
}

/**
 * The instance stopped at `at` (for idleness, if `how.idle`), or terminated (`how.terminated`):
 * its running stretch ends, and a stretch stopped for idleness, if one was under way, too.
 */
export function stopped(
  ledger: SessionLedger,
  at: Date,
  how: { readonly terminated?: boolean; readonly idle?: boolean } = {},
): SessionLedger {
  const ran = ledger.runningSince ? hoursBetween(ledger.runningSince, at) : 0;
  const { runningSince: _, idleSince: __, ...rest } = endIdle(ledger, at);
  return {
    ...rest,
    ranHours: ledger.ranHours + ran,
    ...(how.terminated ? { endedAt: at.toISOString() } : {}),
    ...(how.idle && !how.terminated ? { idleSince: at.toISOString() } : {}),
  };
}

/** The instance runs again from `at`. */
export function restarted(ledger: SessionLedger, at: Date): SessionLedger {
  if (ledger.endedAt || ledger.runningSince) return ledger;
  const { idleSince: _, ...rest } = endIdle(ledger, at);
  return { ...rest, runningSince: at.toISOString() };
}

/** Closes a stretch stopped for idleness at `at`, counting its hours as saved. */
function endIdle(ledger: SessionLedger, at: Date): SessionLedger {
  if (!ledger.idleSince) return ledger;
  return { ...ledger, idleSavedHours: ledger.idleSavedHours + hoursBetween(ledger.idleSince, at) };
}

/** Hours and dollars idle stops saved by `now`, against running through those hours. */
export function saved(ledger: SessionLedger, now: Date): { hours: number; dollars: number } {
  const open = ledger.idleSince && !ledger.endedAt ? hoursBetween(ledger.idleSince, now) : 0;
  const hours = ledger.idleSavedHours + open;
  return { hours, dollars: hours * ledger.hourly };
}

/** Whether the instance stands stopped now (its volume still costs). */
export const isStopped = (ledger: SessionLedger): boolean => !ledger.runningSince && !ledger.endedAt;

/** What the session has cost by `now`: compute for the hours it ran, the volume for every hour it existed. */
export function accrued(
  ledger: SessionLedger,
  now: Date,
): { compute: number; volume: number; total: number } {
  const end = ledger.endedAt ? new Date(ledger.endedAt) : now;
  const compute = hoursRun(ledger, now) * ledger.hourly;
  const volume = hoursBetween(ledger.launchedAt, end) * ledger.volumeHourly;
  return { compute, volume, total: compute + volume };
}

/** Hours the instance has run by `now`: the stretches that ended, and the one under way. */
export function hoursRun(ledger: SessionLedger, now: Date): number {
  const end = ledger.endedAt ? new Date(ledger.endedAt) : now;
  return ledger.ranHours + (ledger.runningSince ? hoursBetween(ledger.runningSince, end) : 0);
}
