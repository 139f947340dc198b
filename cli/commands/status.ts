import { commandContext } from '../context';
import { CliError } from '../errors';
import type { GlobalOptions } from '../program';
import { statusLines, withSandbox } from '../session/format-status';
import { parseSessionId, readStatus, sessionExists } from '../session/read-status';

/**
 * `kismo status SESSION`: the session's state, instance, address, how to connect and what it
 * costs — read from the status.json the journal keeps under the caller's own prefix.
 */
export async function status(session: string, globals: GlobalOptions): Promise<void> {
  const sessionId = parseSessionId(session);
  const context = commandContext(globals);
  try {
    const owner = await context.owner();
    const found = await readStatus(context, owner, sessionId);
    if (!found) {
      if (await sessionExists(context, owner, sessionId)) {
        throw new CliError(
          'NO_STATUS_YET',
          `session ${sessionId} has no status yet (its launch has not been recorded): try again in a few seconds`,
        );
      }
      throw new CliError(
        'UNKNOWN_SESSION',
        `you (${owner}) have no session ${sessionId} on profile ${context.profile.name}: \`kismo ls\` lists your sessions`,
      );
    }
    const shown = withSandbox(found, context.profile);
    process.stdout.write(
      globals.json
        ? `${JSON.stringify(shown)}\n`
        : `${statusLines(shown, context.now(), context.profile).join('\n')}\n`,
    );
  } finally {
    context.close();
  }
}
