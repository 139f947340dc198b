import type { CommandContext } from '../context';
import { followSession } from '../session/follow';
import type { PushIo } from './io';
import type { PushResult, SessionOutcome } from './result';

/**
 * `--wait`: follows the session the manifest requested until it settles. Without a session journal
 * (it arrives with the launch chain) there is nothing to follow: the push is done once the manifest
 * is written, and this says so. Ctrl-C stops the waiting, not the session.
 */
export async function waitForSession(
  context: CommandContext,
  result: PushResult,
  json: boolean,
  io: PushIo,
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
    });
    if (outcome.kind === 'no-journal') {
      say(
        `no session journal reported on this session yet, so there is nothing to follow: the push is done; ${later}`,
      );
      return undefined;
    }
    if (outcome.kind === 'timeout') {
      say(`session still ${outcome.status?.state ?? 'unknown'} after 45 minutes; ${later}`);
      return outcome.status ? { state: outcome.status.state } : undefined;
    }
    const { state, connect, address, reason } = outcome.status;
    if (state === 'failed') process.exitCode = 1;
    return {
      state,
      ...(connect ? { connect } : {}),
      ...(address ? { address } : {}),
      ...(reason ? { reason } : {}),
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
