import {
  type RequestAction,
  requestKey,
  requestName,
  type SessionRequest,
  sessionRequestSchema,
} from '../../contracts/session-request';
import type { Objects } from '../../services/kit/ports/objects';
import { commandContext } from '../context';
import { CliError } from '../errors';
import type { GlobalOptions } from '../program';
import { explainS3Failure, parseSessionId, readStatus, sessionExists } from './read-status';

/**
 * Writes `users/<owner>/sessions/<id>/requests/<time>-<action>.json`. Create-only (`If-None-Match`),
 * so a request is never silently replaced; session-control acts on each key once.
 */
export async function writeRequest(
  objects: Pick<Objects, 'put'>,
  target: { readonly owner: string; readonly sessionId: string },
  request: SessionRequest,
  at: Date,
): Promise<string> {
  const valid = sessionRequestSchema.parse(request);
  const key = requestKey(target.owner, target.sessionId, requestName(at, valid.action));
  await objects.put(key, `${JSON.stringify(valid)}\n`, {
    contentType: 'application/json',
    ifNoneMatch: true,
  });
  return key;
}

const done: Record<RequestAction, string> = {
  stop: 'stops the instance (its disk stays; business hours will not start it again)',
  start: 'starts the instance again',
  down: 'terminates the instance (the dataset and outputs stay in S3)',
  keep: 'leaves the instance running until then, idle or not',
};

/**
 * `kismo stop|start|down|keep`: checks the session is the caller's, writes the request, and says
 * what happens next. Users have no EC2 rights: session-control acts, within seconds.
 */
export async function requestControl(
  action: RequestAction,
  session: string,
  globals: GlobalOptions,
  options: { readonly until?: Date; readonly now?: Date } = {},
): Promise<void> {
  const sessionId = parseSessionId(session);
  const context = commandContext(globals);
  try {
    const owner = await context.owner();
    const status = await readStatus(context, owner, sessionId);
    if (!status && !(await sessionExists(context, owner, sessionId))) {
      throw new CliError(
        'UNKNOWN_SESSION',
        `you (${owner}) have no session ${sessionId} on profile ${context.profile.name}: \`kismo ls\` lists your sessions`,
      );
    }
    if (status?.state === 'terminated' && action === 'down') {
      // What was asked is already so: say it, and succeed.
      process.stdout.write(
        globals.json
          ? `${JSON.stringify({ sessionId, action, state: 'terminated', requested: false })}\n`
          : `session ${sessionId} is already terminated: nothing to do.\n`,
      );
      return;
    }
    if (status?.state === 'terminated') {
      throw new CliError(
        'SESSION_TERMINATED',
        `session ${sessionId} is terminated: there is nothing to ${action}`,
      );
    }
    if (status && !status.instanceId) {
      throw new CliError(
        'NO_INSTANCE',
        `session ${sessionId} has no instance (${status.state}): \`kismo status ${sessionId}\` says why`,
      );
    }
    const now = options.now ?? new Date();
    const until = options.until?.toISOString();
    const request: SessionRequest = { action, ...(until ? { until } : {}), requestedAt: now.toISOString() };
    const key = await writeRequest(context.objects, { owner, sessionId }, request, now).catch(
      (error: unknown) => explainS3Failure(context, error),
    );
    if (globals.json) {
      process.stdout.write(
        `${JSON.stringify({ sessionId, action, ...(until ? { until } : {}), request: key })}\n`,
      );
      return;
    }
    const when = options.until ? ` until ${options.until.toLocaleString()}` : '';
    process.stdout.write(
      `${action} requested for session ${sessionId}${when}.\n` +
        `session-control checks the session is yours and ${done[action]}, within seconds: ` +
        `\`kismo status ${sessionId}\` shows it.\n`,
    );
  } finally {
    context.close();
  }
}
