import { setTimeout as sleep } from 'node:timers/promises';
import { sessionKey } from '../../contracts/manifest';
import {
  type SessionStatus,
  STATUS_FILE,
  sessionStatusSchema,
  settledStates,
} from '../../contracts/session-status';
import type { Objects } from '../../services/kit/ports/objects';

export interface FollowOptions {
  readonly objects: Pick<Objects, 'get'>;
  readonly owner: string;
  readonly sessionId: string;
  readonly signal?: AbortSignal;
  /** Called with each new state the journal records. */
  readonly onStatus?: (status: SessionStatus) => void;
  /** How long `status.json` may take to appear before we conclude no journal runs. @default 20 s */
  readonly appearWithinMs?: number;
  /** How long to follow at most. @default 45 min (the boot deadline is 30) */
  readonly timeoutMs?: number;
  /** When following ends. @default a settled state (ready, failed, finished, terminated) */
  readonly until?: (status: SessionStatus) => boolean;
  /** The first wait between reads; it grows by half each quiet read, up to `maxIntervalMs`. @default 1 s */
  readonly minIntervalMs?: number;
  /** @default 10 s */
  readonly maxIntervalMs?: number;
}

/** How following ended: a settled state, no journal at all, or out of time. */
export type FollowResult =
  | { readonly kind: 'settled'; readonly status: SessionStatus }
  | { readonly kind: 'no-journal' }
  | { readonly kind: 'timeout'; readonly status?: SessionStatus };

/**
 * Follows `users/<owner>/sessions/<id>/status.json`, which the session journal keeps, until the
 * session settles (ready, failed, finished, terminated). S3 reads only: users have no other rights.
 * Polls with backoff, and starts over at the short interval whenever the state moves.
 */
export async function followSession(options: FollowOptions): Promise<FollowResult> {
  const key = sessionKey(options.owner, options.sessionId, STATUS_FILE);
  const started = Date.now();
  const appearWithin = options.appearWithinMs ?? 20_000;
  const timeout = options.timeoutMs ?? 45 * 60_000;
  const minInterval = options.minIntervalMs ?? 1000;
  const maxInterval = options.maxIntervalMs ?? 10_000;
  let interval = minInterval;
  let etag: string | undefined;
  let status: SessionStatus | undefined;
  for (;;) {
    const read = await readStatus(options, key, etag);
    if (read && read.etag !== etag) {
      etag = read.etag;
      const moved = read.status.state !== status?.state;
      status = read.status;
      if (moved) {
        options.onStatus?.(status);
        interval = minInterval;
      }
      if ((options.until ?? isSettled)(status)) return { kind: 'settled', status };
    } else {
      interval = Math.min(maxInterval, Math.round(interval * 1.5));
    }
    const elapsed = Date.now() - started;
    if (!status && elapsed >= appearWithin) return { kind: 'no-journal' };
    if (elapsed >= timeout) return { kind: 'timeout', status };
    await sleep(interval, undefined, { signal: options.signal });
  }
}

const isSettled = (status: SessionStatus): boolean => settledStates.includes(status.state);

/** The status and its ETag; `undefined` while there is none, it has not changed, or this CLI cannot read it. */
async function readStatus(
  options: FollowOptions,
  key: string,
  knownEtag: string | undefined,
): Promise<{ etag: string; status: SessionStatus } | undefined> {
  options.signal?.throwIfAborted();
  const object = await options.objects.get(key, { signal: options.signal });
  if (!object || (object.etag && object.etag === knownEtag)) return undefined;
  try {
    const parsed = sessionStatusSchema.safeParse(JSON.parse(new TextDecoder().decode(object.body)));
    return parsed.success ? { etag: object.etag, status: parsed.data } : undefined;
  } catch {
    return undefined;
  }
}
