import { sessionKey } from '../../contracts/manifest';
import { type SessionStatus, STATUS_FILE, sessionStatusSchema } from '../../contracts/session-status';
import type { Logger } from '../kit/logger';
import type { Objects } from '../kit/ports';
import { PreconditionFailedError } from '../kit/ports';
import { applyChange } from './apply-change';
import type { JournalChange } from './journal-change';

/** Writers racing on one status.json (events of one session handled side by side) retry this often. */
const ATTEMPTS = 6;

export interface WriteDeps {
  readonly objects: Objects;
  readonly now: () => Date;
  readonly logger: Logger;
  /** Between attempts, so racing writers drift apart. @default a few random milliseconds */
  readonly pause?: (attempt: number) => Promise<void>;
}

/**
 * Records one event in `users/<owner>/sessions/<id>/status.json` with optimistic concurrency: read
 * it with its ETag, apply the event, write only if it is still that version (`If-Match`, or
 * `If-None-Match` for a new file), and on a lost race read again. Returns whether it wrote.
 */
export async function writeStatus(
  change: JournalChange & { sessionId: string },
  deps: WriteDeps,
): Promise<boolean> {
  const key = sessionKey(change.owner, change.sessionId, STATUS_FILE);
  const pause = deps.pause ?? ((attempt) => new Promise((r) => setTimeout(r, Math.random() * 20 * attempt)));
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const stored = await deps.objects.get(key);
    const next = applyChange(stored && readable(stored.body, key, deps.logger), change, deps.now());
    if (!next) return false;
    const body = `${JSON.stringify(sessionStatusSchema.parse(next), null, 2)}\n`;
    try {
      await deps.objects.put(key, body, {
        contentType: 'application/json',
        ...(stored ? { ifMatch: stored.etag } : { ifNoneMatch: true }),
      });
      return true;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      deps.logger.debug('status.json changed while being updated: reading it again', { key, attempt });
      await pause(attempt);
    }
  }
  throw new Error(`${key} kept changing during ${ATTEMPTS} attempts; the event will be delivered again`);
}

/**
 * The stored status, or `undefined` when it cannot be read: the owner can overwrite files under
 * their prefix, and a broken status.json is rebuilt from the next events rather than blocking them.
 */
function readable(body: Uint8Array, key: string, logger: Logger): SessionStatus | undefined {
  try {
    const parsed = sessionStatusSchema.safeParse(JSON.parse(new TextDecoder().decode(body)));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: handled below like any other unreadable status
  }
  logger.warn('status.json is unreadable: starting it again from this event', { key });
  return undefined;
}
