import type { Bus, BusEntry, BusEntryResult } from './kit/bus';
import type { DetailOf } from './kit/contract';
import type { KismoEvent } from './kit/define-event';

/** EventBridge's limits for one PutEvents call. */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_BYTES_PER_CALL = 256 * 1024;

/** The detail a publisher gives: everything but `version`, which the contract adds. */
export type DetailInput<C extends KismoEvent> = Omit<DetailOf<C>, 'version'>;

export interface PublishItem<C extends KismoEvent = KismoEvent> {
  readonly contract: C;
  readonly detail: DetailInput<C>;
}

export interface FailedEntry {
  readonly entry: BusEntry;
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** Some entries never went through, even after retries: they are all listed, none is dropped silently. */
export class PublishError extends Error {
  constructor(readonly failed: readonly FailedEntry[]) {
    super(
      `${failed.length} event(s) could not be published: ${failed
        .map((f) => `${f.entry.DetailType} (${f.errorCode}: ${f.errorMessage})`)
        .join('; ')}`,
    );
    this.name = 'PublishError';
  }
}

export interface PublisherOptions {
  readonly bus: Bus;
  /** Attempts after the first for entries that failed. @default 4 */
  readonly retries?: number;
  /** First backoff; doubled each attempt, with full jitter. @default 100 */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface Publisher {
  publish<C extends KismoEvent>(contract: C, detail: DetailInput<C>): Promise<void>;
  publishAll(items: readonly PublishItem[]): Promise<void>;
}

/** Validates each event against its contract, then sends them in as few PutEvents calls as the limits allow. */
export function createPublisher(options: PublisherOptions): Publisher {
  const { bus, retries = 4, baseDelayMs = 100 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function publishAll(items: readonly PublishItem[]): Promise<void> {
    let pending = items.map(toEntry);
    let failed: FailedEntry[] = [];
    for (let attempt = 0; pending.length > 0 && attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
      failed = [];
      for (const batch of batches(pending)) failed.push(...(await send(bus, batch)));
      pending = failed.map((f) => f.entry);
    }
    if (failed.length > 0) throw new PublishError(failed);
  }

  return {
    publish: (contract, detail) => publishAll([{ contract, detail } as PublishItem]),
    publishAll,
  };
}

/** Parses the detail with its contract, so a malformed event fails where it is made, not where it is read. */
export function toEntry({ contract, detail }: PublishItem): BusEntry {
  const parsed = contract.detail.safeParse({ ...detail, version: contract.version });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `detail.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${contract.name} does not match its contract: ${issues}`);
  }
  const entry: BusEntry = {
    Source: contract.source,
    DetailType: contract.detailType,
    Detail: JSON.stringify(parsed.data),
  };
  if (entrySize(entry) > MAX_BYTES_PER_CALL) {
    throw new Error(
      `${contract.name} is ${entrySize(entry)} bytes; EventBridge takes at most ${MAX_BYTES_PER_CALL}`,
    );
  }
  return entry;
}

/** An entry's size as EventBridge counts it against the 256 KB limit of a call. */
export function entrySize(entry: BusEntry): number {
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
  const resources = (entry.Resources ?? []).reduce((sum, r) => sum + bytes(r), 0);
  return 14 + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources;
}

/** Splits entries into calls of at most 10 entries and 256 KB, keeping their order. */
export function batches(entries: readonly BusEntry[]): BusEntry[][] {
  const result: BusEntry[][] = [];
  let current: BusEntry[] = [];
  let size = 0;
  for (const entry of entries) {
    const next = entrySize(entry);
    if (current.length === MAX_ENTRIES_PER_CALL || size + next > MAX_BYTES_PER_CALL) {
      result.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += next;
  }
  if (current.length > 0) result.push(current);
  return result;
}

/** One call; a call that throws (throttled, unreachable) fails all its entries, to be retried. */
async function send(bus: Bus, batch: readonly BusEntry[]): Promise<FailedEntry[]> {
  let results: readonly BusEntryResult[];
  try {
    results = await bus.putEvents(batch);
  } catch (error) {
    const e = error as Error;
    return batch.map((entry) => ({ entry, errorCode: e.name || 'Error', errorMessage: e.message }));
  }
  return batch.flatMap((entry, i) => {
    const result = results[i];
    if (result?.EventId && !result.ErrorCode) return [];
    return [
      {
        entry,
        errorCode: result?.ErrorCode ?? 'MissingResult',
        errorMessage: result?.ErrorMessage ?? 'no result',
      },
    ];
  });
}
