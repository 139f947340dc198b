import * as z from 'zod';
import type { Chat, ChatMessage, Clock, Objects } from '../kit/ports';
import { getJson, PreconditionFailedError } from '../kit/ports';
import { RetryLaterError } from '../kit/retry-later';

/** Where the notifier keeps each session's thread: services only, users never write under `kismo/`. */
export const threadKey = (thread: string): string => `kismo/notifier/threads/${thread}.json`;

/**
 * `opening` while the first message is being posted (it claims the thread, so two first messages
 * posted at once cannot open two threads), then `open` with the root message's ts.
 */
const threadSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('opening'), at: z.string() }),
  z.object({ state: z.literal('open'), channel: z.string(), ts: z.string() }),
]);
type ThreadRecord = z.output<typeof threadSchema>;

/** A post with retries takes seconds; an `opening` claim this old belongs to an invocation that died. */
const STALE_OPENING_MS = 2 * 60_000;

/** Another delivery is posting the thread's first message; SQS brings this one back after its visibility timeout. */
export class ThreadOpeningError extends RetryLaterError {
  constructor(readonly thread: string) {
    super(`the thread of ${thread} is being opened by another delivery; retrying later`);
    this.name = 'ThreadOpeningError';
  }
}

export interface ThreadPorts {
  readonly objects: Objects;
  readonly chat: Chat;
  readonly clock: Clock;
}

/**
 * Posts into the thread of `thread` (a session): as a reply when the thread exists — in the
 * channel it was opened in — else as the message that opens it. Returns the posted message's ts.
 */
export async function postInThread(
  ports: ThreadPorts,
  thread: string,
  message: Omit<ChatMessage, 'threadTs'>,
): Promise<{ ts: string }> {
  const key = threadKey(thread);
  for (let attempt = 0; attempt < 3; attempt++) {
    const stored = await getJson(ports.objects, key);
    const record = stored && threadSchema.safeParse(stored.value).data;
    if (record?.state === 'open') {
      return ports.chat.post({ ...message, channel: record.channel, threadTs: record.ts });
    }
    if (record && isFresh(record, ports.clock)) throw new ThreadOpeningError(thread);
    const claimed = await claim(ports, key, stored?.etag);
    if (claimed) return open(ports, key, claimed, message);
  }
  throw new ThreadOpeningError(thread);
}

const isFresh = (record: ThreadRecord, clock: Clock): boolean =>
  record.state === 'opening' && clock.now().getTime() - Date.parse(record.at) < STALE_OPENING_MS;

/** Claims the thread with a conditional write; `undefined` when another delivery won the race. */
async function claim(ports: ThreadPorts, key: string, etag: string | undefined): Promise<string | undefined> {
  const opening: ThreadRecord = { state: 'opening', at: ports.clock.now().toISOString() };
  try {
    const written = await ports.objects.put(key, JSON.stringify(opening), {
      contentType: 'application/json',
      ...(etag ? { ifMatch: etag } : { ifNoneMatch: true }),
    });
    return written.etag;
  } catch (error) {
    if (error instanceof PreconditionFailedError) return undefined;
    throw error;
  }
}

async function open(
  ports: ThreadPorts,
  key: string,
  claimEtag: string,
  message: Omit<ChatMessage, 'threadTs'>,
): Promise<{ ts: string }> {
  let posted: { ts: string };
  try {
    posted = await ports.chat.post(message);
  } catch (error) {
    // Nothing was posted: let the redelivery (or a neighbour) open the thread.
    await ports.objects.delete(key);
    throw error;
  }
  const record: ThreadRecord = { state: 'open', channel: message.channel, ts: posted.ts };
  try {
    await ports.objects.put(key, JSON.stringify(record), {
      contentType: 'application/json',
      ifMatch: claimEtag,
    });
  } catch (error) {
    // Our claim went stale and another delivery took the thread over: its thread stands, and
    // failing here would only post this message a second time.
    if (!(error instanceof PreconditionFailedError)) throw error;
  }
  return posted;
}
