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
  };
}

/** The instance stopped (or terminated) at `at`: its running stretch ends. */
export function stopped(ledger: SessionLedger, at: Date, terminated = false): SessionLedger {
  const ran = ledger.runningSince ? hoursBetween(ledger.runningSince, at) : 0;
  const { runningSince: _, ...rest } = ledger;
  return { ...rest, ranHours: ledger.ranHours + ran, ...(terminated ? { endedAt: at.toISOString() } : {}) };
}

/** The instance runs again from `at`. */
export function restarted(ledger: SessionLedger, at: Date): SessionLedger {
  if (ledger.endedAt || ledger.runningSince) return ledger;
  return { ...ledger, runningSince: at.toISOString() };
}

/** What the session has cost by `now`: compute for the hours it ran, the volume for every hour it existed. */
export function accrued(
  ledger: SessionLedger,
  now: Date,
): { compute: number; volume: number; total: number } {
  const end = ledger.endedAt ? new Date(ledger.endedAt) : now;
  const running = ledger.runningSince ? hoursBetween(ledger.runningSince, end) : 0;
  const compute = (ledger.ranHours + running) * ledger.hourly;
  const volume = hoursBetween(ledger.launchedAt, end) * ledger.volumeHourly;
  return { compute, volume, total: compute + volume };
}
