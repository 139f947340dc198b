import pLimit from 'p-limit';
import { sessionIdSchema } from '../../contracts/kit/correlation';
import type { SessionStatus } from '../../contracts/session-status';
import type { CommandContext } from '../context';
import { explainS3Failure, readStatus } from './read-status';

/** A session of the owner, with its status once the journal has written one. */
export interface SessionListing {
  readonly sessionId: string;
  readonly status?: SessionStatus;
  /** The status exists but this kismo cannot read it (written by a newer one, or damaged). */
  readonly unreadable?: true;
}

/** Status reads in flight at once: quick for dozens of sessions, gentle on S3. */
const READS_AT_ONCE = 8;

/**
 * The owner's sessions, newest first (session ids start with their UTC time): one delimited
 * listing of `users/<owner>/sessions/`, then each session's `status.json`.
 */
export async function listSessions(
  context: Pick<CommandContext, 'objects' | 'profile'>,
  owner: string,
): Promise<SessionListing[]> {
  const prefix = `users/${owner}/sessions/`;
  const ids: string[] = [];
  try {
    for await (const folder of context.objects.folders(prefix)) {
      const id = folder.slice(prefix.length, -1);
      if (sessionIdSchema.safeParse(id).success) ids.push(id);
    }
  } catch (error) {
    return explainS3Failure(context, error);
  }
  ids.sort((a, b) => b.localeCompare(a));
  const limit = pLimit(READS_AT_ONCE);
  return Promise.all(
    ids.map((sessionId) =>
      limit(async (): Promise<SessionListing> => {
        try {
          return { sessionId, status: await readStatus(context, owner, sessionId) };
        } catch (error) {
          // One unreadable session must not hide the others.
          if ((error as { code?: string }).code === 'STATUS_UNREADABLE')
            return { sessionId, unreadable: true };
          throw error;
        }
      }),
    ),
  );
}
