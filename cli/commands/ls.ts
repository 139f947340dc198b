import type { SessionStatus } from '../../contracts/session-status';
import { commandContext } from '../context';
import type { GlobalOptions } from '../program';
import { formatUptime, priceOf, uptimeSeconds } from '../session/format-status';
import { listSessions, type SessionListing } from '../session/list-sessions';
import { formatTable } from '../terminal/table';

const COLUMNS = ['SESSION', 'STATE', 'TYPE', 'UPTIME', 'IDLE', 'PRICE', 'COST'] as const;

/** One session as a table row. */
function row({ sessionId, status, unreadable }: SessionListing, now: Date): string[] {
  if (!status) return [sessionId, unreadable ? 'unreadable' : 'pending', '-', '-', '-', '-', '-'];
  return [
    sessionId,
    status.state,
    status.instanceType ?? '-',
    formatUptime(uptimeSeconds(status, now)),
    String(status.idleStrikes ?? 0),
    priceOf(status),
    status.costSoFar === undefined ? '-' : `$${status.costSoFar.toFixed(2)}`,
  ];
}

/** One session as a JSON line: the status without its timeline (that is `kismo status`), plus uptime. */
function jsonLine({ sessionId, status, unreadable }: SessionListing, now: Date): string {
  if (!status) return JSON.stringify({ sessionId, state: unreadable ? 'unreadable' : 'pending' });
  const { timeline: _timeline, ...rest }: SessionStatus = status;
  return JSON.stringify({ ...rest, uptimeSeconds: uptimeSeconds(status, now) ?? null });
}

/** `kismo ls`: the caller's sessions, newest first — state, type, uptime, idle strikes, price, cost so far. */
export async function ls(globals: GlobalOptions): Promise<void> {
  const context = commandContext(globals);
  try {
    const sessions = await listSessions(context, await context.owner());
    const now = context.now();
    if (globals.json) {
      process.stdout.write(sessions.map((s) => `${jsonLine(s, now)}\n`).join(''));
      return;
    }
    if (sessions.length === 0) {
      process.stderr.write('no sessions yet: `kismo push ./data -t g4dn.xlarge` starts one\n');
      return;
    }
    const lines = formatTable([[...COLUMNS], ...sessions.map((s) => row(s, now))]);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    context.close();
  }
}
