import path from 'node:path';
import { sessionKey } from '../../contracts/manifest';
import { commandContext, reaching } from '../context';
import { CliError } from '../errors';
import type { GlobalOptions } from '../program';
import { interruptible } from '../push/interrupt';
import { type PushIo, processIo } from '../push/io';
import { parseSessionId, sessionExists } from '../session/read-status';
import { createProgress, PULL_LABELS } from '../sync/progress';
import { pullFolder } from '../sync/pull';
import { formatBytes } from '../sync/units';

export interface PullCommandOptions {
  readonly concurrency: number;
}

/**
 * `kismo pull SESSION [DIR]`: downloads the session's outputs (what `--run` left in its outputs
 * folder, uploaded when it ended) into DIR, `./<session>-outputs` unless told. Only what is
 * missing or changed is fetched; an interrupted pull, run again, resumes.
 */
export async function pull(
  session: string,
  dir: string | undefined,
  options: PullCommandOptions,
  globals: GlobalOptions,
  io: PushIo = processIo(),
): Promise<void> {
  const sessionId = parseSessionId(session);
  const target = path.resolve(dir ?? `${sessionId}-outputs`);
  const context = commandContext(globals);
  try {
    const owner = await context.owner();
    const prefix = sessionKey(owner, sessionId, 'outputs/');
    const mode = globals.json ? 'json' : io.stderr.isTTY && !io.env.CI ? 'bar' : 'lines';
    const pulled = await reaching(
      context,
      interruptible(
        io,
        async (signal) =>
          pullFolder({
            objects: context.objects,
            prefix,
            dir: target,
            concurrency: options.concurrency,
            signal,
            progress: await createProgress(mode, io, PULL_LABELS),
          }),
        {
          command: 'kismo pull',
          message: 'pull interrupted: what was fetched stays; run the same command again to fetch the rest',
        },
      ),
    );
    if (pulled.files === 0) {
      const known = await reaching(context, sessionExists(context, owner, sessionId));
      throw new CliError(
        known ? 'NO_OUTPUTS' : 'UNKNOWN_SESSION',
        known
          ? `session ${sessionId} has no outputs (yet): they are uploaded when its --run ends (\`kismo status ${sessionId}\`)`
          : `you (${owner}) have no session ${sessionId} on profile ${context.profile.name}: \`kismo ls\` lists your sessions`,
      );
    }
    const result = { sessionId, dir: target, ...pulled };
    io.stdout.write(
      globals.json
        ? `${JSON.stringify({ event: 'pulled', ...result })}\n`
        : `pulled session ${sessionId}'s outputs to ${target}: ${pulled.files} files (${formatBytes(pulled.bytes)}), ${pulled.fetched} fetched, ${pulled.unchanged} already here\n`,
    );
  } finally {
    context.close();
  }
}
