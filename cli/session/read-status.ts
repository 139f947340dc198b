import { sessionIdSchema } from '../../contracts/kit/correlation';
import { sessionKey } from '../../contracts/manifest';
import { type SessionStatus, STATUS_FILE, sessionStatusSchema } from '../../contracts/session-status';
import { assertReachable, type CommandContext } from '../context';
import { CliError } from '../errors';

type S3Context = Pick<CommandContext, 'objects' | 's3' | 'profile'>;

/** Turns a failed S3 call into what to do: unreachable, denied, or (when S3 answers fine) the error itself. */
export async function explainS3Failure(context: S3Context, error: unknown): Promise<never> {
  await assertReachable(context);
  throw error;
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
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const answer = await (await context.s3()).send(
      new ListObjectsV2Command({
        Bucket: context.profile.bucket,
        Prefix: sessionKey(owner, sessionId, ''),
        MaxKeys: 1,
      }),
    );
    return (answer.KeyCount ?? answer.Contents?.length ?? 0) > 0;
  } catch (error) {
    return explainS3Failure(context, error);
  }
}
