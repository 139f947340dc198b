import { sessionIdSchema } from '../../contracts/kit/correlation';
import { sessionKey } from '../../contracts/manifest';
import { type SessionStatus, STATUS_FILE, sessionStatusSchema } from '../../contracts/session-status';
import { type CommandContext, explainAwsError } from '../context';
import { CliError } from '../errors';

type S3Context = Pick<CommandContext, 'objects' | 'profile'>;

/** Turns a failed S3 call into what to do about it (unreachable, denied…), or throws it as it is. */
export function explainS3Failure(context: Pick<CommandContext, 'profile'>, error: unknown): never {
  throw explainAwsError(context.profile, error) ?? error;
}

/** A session id as the user typed it, or a CliError saying what one looks like. */
export function parseSessionId(input: string): string {
  const parsed = sessionIdSchema.safeParse(input.trim());
  if (!parsed.success) {
    throw new CliError(
      'BAD_SESSION_ID',
      `"${input}" is not a session id (they look like 20261128-153000-k3f9qa): \`kismo ls\` lists yours`,
    );
  }
  return parsed.data;
}

/**
 * The session's `status.json`, which the session journal writes; `undefined` when there is none
 * yet. Only the caller's own prefix is read: that is all a user may read.
 */
export async function readStatus(
  context: S3Context,
  owner: string,
  sessionId: string,
): Promise<SessionStatus | undefined> {
  const key = sessionKey(owner, sessionId, STATUS_FILE);
  let text: string;
  try {
    const object = await context.objects.get(key);
    if (!object) return undefined;
    text = new TextDecoder().decode(object.body);
  } catch (error) {
    return explainS3Failure(context, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = sessionStatusSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(
      'STATUS_UNREADABLE',
      `${key} is not a status this kismo can read: update kismo, or wait for the next event to rewrite it`,
    );
  }
  return parsed.data;
}

/** Whether anything exists under the session's prefix (pushed, but nothing recorded yet). */
export async function sessionExists(context: S3Context, owner: string, sessionId: string): Promise<boolean> {
  try {
    for await (const _ of context.objects.list(sessionKey(owner, sessionId, ''), { pageSize: 1 }))
      return true;
    return false;
  } catch (error) {
    return explainS3Failure(context, error);
  }
}
