import { getJson, type Objects, PreconditionFailedError } from './ports/objects';
import { RetryLaterError } from './retry-later';

/** Where claims live in the data bucket: services only, users never write here. */
export const CLAIMS_PREFIX = 'kismo/claims/';

interface Claim {
  readonly state: 'running' | 'done';
  readonly at: string;
}

export interface OnceOptions {
  readonly now?: () => Date;
  /** A `running` claim older than this belongs to an invocation that died (timeout, crash). @default 15 min */
  readonly staleAfterMs?: number;
}

/** Another delivery of the same event is doing the work right now; SQS will bring this one back later. */
export class ClaimedElsewhereError extends RetryLaterError {
  constructor(readonly key: string) {
    super(`${key} is being handled by another delivery; retrying later`);
    this.name = 'ClaimedElsewhereError';
  }
}

/**
 * Runs `work` at most once per key, however often SQS delivers the event behind it. The first
 * delivery claims the key with a conditional write (`If-None-Match: *`) and marks it done after;
 * later deliveries see `done` and skip. A claim left `running` by a delivery that died is taken over
 * once stale; a failed `work` releases the claim so the redelivery tries again. Returns whether
 * the work ran here.
 */
export async function once(
  objects: Objects,
  key: string,
  work: () => Promise<void>,
  options: OnceOptions = {},
): Promise<boolean> {
  const now = options.now ?? (() => new Date());
  const claimKey = `${CLAIMS_PREFIX}${key}`;
  const running = (): string => JSON.stringify({ state: 'running', at: now().toISOString() } satisfies Claim);
  try {
    await objects.put(claimKey, running(), { ifNoneMatch: true, contentType: 'application/json' });
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    const existing = await getJson(objects, claimKey);
    const claim = existing?.value as Claim | undefined;
    if (claim?.state === 'done') return false;
    const age = claim ? now().getTime() - Date.parse(claim.at) : Number.POSITIVE_INFINITY;
    if (age < (options.staleAfterMs ?? 15 * 60_000)) throw new ClaimedElsewhereError(key);
    // The earlier delivery died mid-work: take its claim over, unless a third one just did.
    await objects
      .put(claimKey, running(), { ifMatch: existing?.etag, contentType: 'application/json' })
      .catch((e) => {
        throw e instanceof PreconditionFailedError ? new ClaimedElsewhereError(key) : e;
      });
  }
  try {
    await work();
  } catch (error) {
    await objects.delete(claimKey);
    throw error;
  }
  await objects.put(claimKey, JSON.stringify({ state: 'done', at: now().toISOString() } satisfies Claim), {
    contentType: 'application/json',
  });
  return true;
}
