import { type SessionState, type SessionStatus, settledStates } from '../../contracts/session-status';
import type { CommandContext } from '../context';
import { followSession } from '../session/follow';
import type { PushIo } from './io';
import type { PushResult, SessionOutcome } from './result';

/**
 * How far `push` follows its session:
 * - `launch` (off a terminal, by default): until the launch is accepted or refused;
 * - `ready` (`--wait`, or on a terminal): until the session is ready, or failed;
 * - `run-end` (`--wait` with `--run`): until the run ends, then exits with its code, as ssh does
 *   with a remote command's; 255 if the session failed before the run could end.
 */
export type WaitFor = 'launch' | 'ready' | 'run-end';

/** The exit code of a session that never got to end its run: ssh's for "the connection failed". */
export const RUN_NEVER_ENDED = 255;

const UNTIL: Record<WaitFor, (status: SessionStatus) => boolean> = {
  launch: () => true,
  ready: (status) => settledStates.includes(status.state),
  'run-end': (status) => ['finished', 'failed', 'stopped', 'terminated'].includes(status.state),
};

/** How long each level follows at most: a launch takes seconds, a boot at most its deadline, a run days. */
const TIMEOUT_MS: Record<WaitFor, number> = {
  launch: 15 * 60_000,
  ready: 45 * 60_000,
  'run-end': 14 * 24 * 3600_000,
};

/**
 * Follows the session the manifest requested as far as `until` says, and sets the exit code from
 * where it ended. Without a session journal there is nothing to follow: the push is done once the
 * manifest is written, and this says so. Ctrl-C stops the waiting, not the session.
 */
export async function waitForSession(
  context: CommandContext,
  result: PushResult,
  json: boolean,
  io: PushIo,
  until: WaitFor = 'ready',
): Promise<SessionOutcome | undefined> {
  const controller = new AbortController();
  const signals = io.signals ?? process;
  const stopWaiting = () => controller.abort();
  signals.on('SIGINT', stopWaiting);
  const later = `\`kismo status ${result.sessionId}\` follows it later`;
  const say = (line: string) => io.stderr.write(`kismo push: ${line}\n`);
  say(`waiting for session ${result.sessionId} (Ctrl-C stops waiting, not the session)`);
  try {
    const outcome = await followSession({
      objects: context.objects,
      owner: result.owner,
      sessionId: result.sessionId,
      signal: controller.signal,
      onStatus: (status) => {
        const line = {
          event: 'status',
          sessionId: result.sessionId,
          state: status.state,
          reason: status.reason,
        };
        if (json) io.stdout.write(`${JSON.stringify(line)}\n`);
        else say(`session ${status.state}${status.reason ? `: ${status.reason}` : ''}`);
      },
      appearWithinMs: Number(io.env.KISMO_WAIT_APPEAR_MS ?? 20_000),
      until: UNTIL[until],
      timeoutMs: TIMEOUT_MS[until],
    });
    if (outcome.kind === 'no-journal') {
      say(
        `no session journal reported on this session yet, so there is nothing to follow: the push is done; ${later}`,
      );
      return undefined;
    }
    if (outcome.kind === 'timeout') {
      say(`session still ${outcome.status?.state ?? 'unknown'}; stopped waiting; ${later}`);
      return outcome.status ? { state: outcome.status.state } : undefined;
    }
    const { state, connect, address, reason, exitCode } = outcome.status;
    process.exitCode = exitCodeOf(until, state, exitCode);
    return {
      state,
      ...(connect ? { connect } : {}),
      ...(address ? { address } : {}),
      ...(reason ? { reason } : {}),
      ...(exitCode !== undefined ? { exitCode } : {}),
    };
  } catch (error) {
    if (controller.signal.aborted) {
      say(`stopped waiting; the session goes on: ${later}`);
      return undefined;
    }
    throw error;
  } finally {
    signals.off('SIGINT', stopWaiting);
  }
}

/** The exit code where following ended: the run's own with `run-end`, else 0 unless it failed. */
export function exitCodeOf(until: WaitFor, state: SessionState, runExitCode: number | undefined): number {
  if (until === 'run-end') {
    if (state === 'finished') return Math.min(255, Math.max(0, runExitCode ?? 0));
    return RUN_NEVER_ENDED;
  }
  return state === 'failed' || (until === 'ready' && state === 'terminated') ? 1 : 0;
}
