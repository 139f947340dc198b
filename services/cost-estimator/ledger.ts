import { HOURS_PER_MONTH, hoursBetween, type SessionLedger } from '../../contracts/cost-ledger';

// How the estimator moves a session's ledger as its instance launches, stops, starts again and
// ends. How a ledger reads (hours run, cost, savings) is the contract's: contracts/cost-ledger.ts.

/** A new session's ledger: running from its launch. */
export function opened(
  launchedAt: string,
  hourly: number,
  volumeMonthly: number,
  instanceType?: string,
): SessionLedger {
  return {
    hourly,
    volumeHourly: volumeMonthly / HOURS_PER_MONTH,
    ...(instanceType ? { instanceType } : {}),
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
