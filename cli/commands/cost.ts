import {
  costTotals,
  formatHours,
  formatUsd,
  type SessionCost,
  sessionCost,
} from '../../contracts/cost-figures';
import { activeSince, type SessionLedger } from '../../contracts/cost-ledger';
import { PRICE_CURRENCY } from '../../contracts/prices';
import { commandContext } from '../context';
import { CliError } from '../errors';
import type { GlobalOptions } from '../program';
import { readLedgers } from '../session/read-ledgers';
import { formatTable } from '../terminal/table';

const COLUMNS = ['SESSION', 'TYPE', 'RAN', 'COST', 'IDLE STOPPED', 'SAVED'] as const;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** One session's line: its ledger and its figures by now. */
interface SessionLine {
  readonly sessionId: string;
  readonly ledger: SessionLedger;
  readonly figures: SessionCost;
}

/** `2026-11-01`: a day as --since takes it. */
const dayOf = (date: Date): string => date.toISOString().slice(0, 10);

/** `--since`: a day, YYYY-MM-DD, from its midnight UTC; or a CliError that says the format. */
export function parseSince(text: string): Date {
  const input = text.trim();
  const match = DAY.exec(input);
  const day = match && new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (!day || dayOf(day) !== input) {
    throw new CliError(
      'BAD_DATE',
      `--since takes a day written YYYY-MM-DD (UTC), e.g. 2026-11-01; "${text}" is not one`,
    );
  }
  return day;
}

/** Dollars and hours in JSON: to four decimals, as Cost Estimated carries them. */
const round = (n: number): number => Math.round(n * 10_000) / 10_000;

function sessionJson({ sessionId, ledger, figures }: SessionLine) {
  return {
    sessionId,
    instanceType: ledger.instanceType ?? null,
    state: ledger.endedAt ? 'terminated' : figures.stopped ? 'stopped' : 'running',
    launchedAt: ledger.launchedAt,
    endedAt: ledger.endedAt ?? null,
    hourly: ledger.hourly,
    hoursRun: round(figures.hoursRun),
    cost: round(figures.cost),
    idleHoursStopped: round(figures.idleHoursStopped),
    saved: round(figures.saved),
    volumeMonthly: round(figures.volumeMonthly),
  };
}

/** The table, its total line, and what stopped instances' volumes still cost a month. */
function humanLines(lines: readonly SessionLine[]): string[] {
  const total = costTotals(lines.map((l) => l.figures));
  const idle = (hours: number, text: string) => (hours > 0 ? text : '-');
  const row = (name: string, type: string, f: Omit<SessionCost, 'stopped' | 'volumeMonthly'>) => [
    name,
    type,
    formatHours(f.hoursRun),
    formatUsd(f.cost),
    idle(f.idleHoursStopped, formatHours(f.idleHoursStopped)),
    idle(f.idleHoursStopped, formatUsd(f.saved)),
  ];
  const table = formatTable([
    [...COLUMNS],
    ...lines.map(({ sessionId, ledger, figures }) => row(sessionId, ledger.instanceType ?? '-', figures)),
    row(`total, ${total.sessions} session${total.sessions === 1 ? '' : 's'}`, '', total),
  ]);
  const stopped = lines.filter((l) => l.figures.stopped).map((l) => l.sessionId);
  const volumes = formatUsd(total.stoppedVolumesMonthly);
  if (stopped.length === 1) {
    table.push(
      `1 stopped instance still costs ${volumes} a month for its volume: \`kismo down ${stopped[0]}\` deletes it.`,
    );
  } else if (stopped.length > 1) {
    table.push(
      `${stopped.length} stopped instances still cost ${volumes} a month for their volumes (${stopped.join(', ')}): \`kismo down SESSION\` deletes one.`,
    );
  }
  return table;
}

/**
 * `kismo cost [--since DAY]`: what the caller's sessions active since DAY (the start of this month,
 * UTC, unless told) ran and cost, and what idle stops saved — the morning summary's figures, per
 * session and in total, read from the cost estimator's ledgers of the caller's own sessions.
 */
export async function cost(options: { since?: string }, globals: GlobalOptions): Promise<void> {
  const given = options.since === undefined ? undefined : parseSince(options.since);
  const context = commandContext(globals);
  try {
    const owner = await context.owner();
    const now = context.now();
    const since = given ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const { ledgers, unreadable } = await readLedgers(context, owner);
    const lines: SessionLine[] = ledgers
      .filter(({ ledger }) => activeSince(ledger, since))
      .map(({ sessionId, ledger }) => ({ sessionId, ledger, figures: sessionCost(ledger, now) }));
    if (unreadable.length > 0) {
      process.stderr.write(
        `kismo: ${unreadable.length} ledger(s) this kismo cannot read, left out (${unreadable.join(', ')}): update kismo\n`,
      );
    }
    if (globals.json) {
      const total = costTotals(lines.map((l) => l.figures));
      const printed = {
        owner,
        since: dayOf(since),
        asOf: now.toISOString(),
        currency: PRICE_CURRENCY,
        sessions: lines.map(sessionJson),
        total: Object.fromEntries(Object.entries(total).map(([name, n]) => [name, round(n)])),
        unreadable,
      };
      process.stdout.write(`${JSON.stringify(printed)}\n`);
      return;
    }
    const sinceText = `since ${dayOf(since)} (${given ? '' : 'the start of this month, '}UTC)`;
    if (ledgers.length === 0) {
      // Unreadable ledgers were told of above: there are estimates, this kismo cannot read them.
      if (unreadable.length === 0) {
        process.stderr.write(
          `no cost estimates for you (${owner}) yet: the cost estimator starts one when a session of yours launches (\`kismo push ./data -t g4dn.xlarge\`)\n`,
        );
      }
      return;
    }
    if (lines.length === 0) {
      const oldest = ledgers.map(({ ledger }) => ledger.launchedAt).sort()[0] ?? '';
      process.stderr.write(
        `none of your sessions was active ${sinceText}: \`kismo cost --since ${oldest.slice(0, 10)}\` shows them all\n`,
      );
      return;
    }
    const asOf = `${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    process.stdout.write(
      `${[
        `Your sessions active ${sinceText}, as of ${asOf}:`,
        ...humanLines(lines),
        'Estimates from on-demand prices (no taxes, no data transfer), each session over its whole life.',
      ].join('\n')}\n`,
    );
  } finally {
    context.close();
  }
}
