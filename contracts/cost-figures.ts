import { accrued, HOURS_PER_MONTH, hoursRun, isStopped, type SessionLedger, saved } from './cost-ledger';

/**
 * One session's figures by a moment, as the estimator's morning summary and `kismo cost` show
 * them: an estimate from on-demand prices, over the session's whole life.
 */
export interface SessionCost {
  readonly hoursRun: number;
  /** Compute for the hours it ran, and its volume for every hour it existed, USD. */
  readonly cost: number;
  /** Hours kismo kept it stopped for idleness: hours not paid for. */
  readonly idleHoursStopped: number;
  /** What those hours would have cost running, USD. */
  readonly saved: number;
  /** It stands stopped: its volume still costs `volumeMonthly` a month. */
  readonly stopped: boolean;
  readonly volumeMonthly: number;
}

/** The figures of many sessions, added up. */
export interface CostTotals {
  readonly sessions: number;
  readonly hoursRun: number;
  readonly cost: number;
  readonly idleHoursStopped: number;
  readonly saved: number;
  /** Instances standing stopped, and what their volumes cost a month, USD. */
  readonly stopped: number;
  readonly stoppedVolumesMonthly: number;
}

export function sessionCost(ledger: SessionLedger, now: Date): SessionCost {
  const savings = saved(ledger, now);
  return {
    hoursRun: hoursRun(ledger, now),
    cost: accrued(ledger, now).total,
    idleHoursStopped: savings.hours,
    saved: savings.dollars,
    stopped: isStopped(ledger),
    volumeMonthly: ledger.volumeHourly * HOURS_PER_MONTH,
  };
}

export function costTotals(costs: readonly SessionCost[]): CostTotals {
  const sum = (pick: (c: SessionCost) => number, of = costs) => of.reduce((total, c) => total + pick(c), 0);
  const stopped = costs.filter((c) => c.stopped);
  return {
    sessions: costs.length,
    hoursRun: sum((c) => c.hoursRun),
    cost: sum((c) => c.cost),
    idleHoursStopped: sum((c) => c.idleHoursStopped),
    saved: sum((c) => c.saved),
    stopped: stopped.length,
    stoppedVolumesMonthly: sum((c) => c.volumeMonthly, stopped),
  };
}

/** `$31.10`: dollars as the summary and `kismo cost` print them. */
export const formatUsd = (n: number): string => `$${n.toFixed(2)}`;

/** `10.5 h`: hours to a tenth, as the summary and `kismo cost` print them. */
export const formatHours = (n: number): string => `${Math.round(n * 10) / 10} h`;
