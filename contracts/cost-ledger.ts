import * as z from 'zod';
import { instanceTypeSchema, isoTimeSchema } from './kit/correlation';

const HOUR_MS = 3600_000;
/** AWS prices EBS by the GiB-month; a month, for proration, is 730 hours. */
export const HOURS_PER_MONTH = 730;

/** Where the ledgers are: `kismo/costs/<owner>/<session>.json`. */
export const COSTS_PREFIX = 'kismo/costs/';

/** One owner's ledgers, and nobody else's: what the owner may list. */
export const ownerCostsPrefix = (owner: string): string => `${COSTS_PREFIX}${owner}/`;

/** `kismo/costs/<owner>/<session>.json`: one session's ledger, written by the estimator alone. */
export const costLedgerKey = (owner: string, sessionId: string): string =>
  `${ownerCostsPrefix(owner)}${sessionId}.json`;

/**
 * What kismo knows of one session's costs: its hourly price, its volume's, and the running and
 * stopped stretches so far. The cost estimator writes it; its morning summary and `kismo cost`
 * read it, with the functions below.
 */
export const sessionLedgerSchema = z.object({
  hourly: z.number().nonnegative(),
  /** The root volume's price per hour: its monthly gp3 price over 730 hours. */
  volumeHourly: z.number().nonnegative(),
  /** Absent from ledgers opened before it was recorded. */
  instanceType: instanceTypeSchema.optional(),
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

export const hoursBetween = (from: string, to: Date): number =>
  Math.max(0, (to.getTime() - Date.parse(from)) / HOUR_MS);

/** Hours and dollars idle stops saved by `now`, against running through those hours. */
export function saved(ledger: SessionLedger, now: Date): { hours: number; dollars: number } {
  const open = ledger.idleSince && !ledger.endedAt ? hoursBetween(ledger.idleSince, now) : 0;
  const hours = ledger.idleSavedHours + open;
  return { hours, dollars: hours * ledger.hourly };
}

/** Whether the instance stands stopped now (its volume still costs). */
export const isStopped = (ledger: SessionLedger): boolean => !ledger.runningSince && !ledger.endedAt;

/** Whether the session existed at any time from `since` on: not ended before it. */
export const activeSince = (ledger: SessionLedger, since: Date): boolean =>
  !ledger.endedAt || Date.parse(ledger.endedAt) >= since.getTime();

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
