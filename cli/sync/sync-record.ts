import { createHash } from 'node:crypto';
import os from 'node:os';
import * as z from 'zod';
import type { Objects } from '../../services/kit/ports/objects';
import { PreconditionFailedError } from '../../services/kit/ports/objects';
import type { RemoteObject } from './remote-listing';

/**
 * What the last finished push of a dataset left in the bucket, as a fingerprint of every object
 * (path, size, ETag), kept beside the dataset at `users/<owner>/sync/<name>.json`. When it is the
 * fingerprint of this machine's index, no one has pushed this dataset since this machine did, and
 * the index says what the bucket holds: the push needs one small GET instead of listing every
 * object (20 requests and most of an unchanged re-push for 20,000 files). Anything else — another
 * machine's push, an interrupted one, no record — and the push lists the bucket, as `--verify` does.
 * Objects changed by hand, outside kismo, only a listing sees: `kismo push --verify`.
 */
export interface SyncRecord {
  readonly key: string;
  /** The record's fingerprint, and its ETag for a conditional update; both absent without a record. */
  readonly state?: string;
  readonly etag?: string;
  /** The folder (and machine) that last pushed the dataset; absent in records older than it. */
  readonly source?: DatasetSource;
}

/** Where a dataset comes from: a folder on a machine. Another folder with the same name is another dataset. */
export interface DatasetSource {
  readonly host: string;
  /** The folder's absolute path. */
  readonly folder: string;
}

/** This machine, and the folder pushed. */
export const sourceOf = (folder: string): DatasetSource => ({ host: os.hostname(), folder });

export const sameSource = (a: DatasetSource, b: DatasetSource): boolean =>
  a.host === b.host && a.folder === b.folder;

/** Where records are kept: the data bucket. */
export type RecordObjects = Pick<Objects, 'get' | 'put'>;

const recordSchema = z.object({
  schemaVersion: z.literal(1),
  state: z.string(),
  source: z.object({ host: z.string(), folder: z.string() }).optional(),
});

/** `users/<owner>/datasets/<name>/` → `users/<owner>/sync/<name>.json` (outside the dataset itself). */
export function syncRecordKey(prefix: string): string {
  const match = /^(users\/[^/]+\/)datasets\/([^/]+)\/$/.exec(prefix);
  if (!match) throw new Error(`${prefix} is not a dataset prefix (users/<owner>/datasets/<name>/)`);
  return `${match[1]}sync/${match[2]}.json`;
}

/** The fingerprint of a dataset's objects: SHA-256 over their sorted paths, sizes and ETags. */
export function datasetState(objects: Iterable<readonly [string, RemoteObject]>): string {
  const lines = [...objects]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, { size, etag }]) => `${path}\u0000${size}\u0000${etag}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}

/** The dataset's record; a missing or unreadable one is no record (the push then lists the bucket). */
export async function readSyncRecord(objects: RecordObjects, prefix: string): Promise<SyncRecord> {
  const key = syncRecordKey(prefix);
  const found = await objects.get(key);
  if (!found) return { key };
  const parsed = recordSchema.safeParse(parseJson(found.body));
  if (!parsed.success) return { key, etag: found.etag };
  const { state, source } = parsed.data;
  return { key, state, etag: found.etag, ...(source ? { source } : {}) };
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
}

/**
 * Records `state` as the dataset's, unless someone else's push changed the record since it was
 * read (a conditional write): then the next push lists the bucket, which is always right.
 */
export async function writeSyncRecord(
  objects: RecordObjects,
  record: SyncRecord,
  state: string,
  source: DatasetSource,
): Promise<void> {
  if (record.state === state && record.source && sameSource(record.source, source)) return;
  const body = JSON.stringify({
    schemaVersion: 1,
    state,
    writtenAt: new Date().toISOString(),
    host: source.host,
    source,
  });
  try {
    await objects.put(record.key, body, {
      contentType: 'application/json',
      ...(record.etag ? { ifMatch: record.etag } : { ifNoneMatch: true }),
    });
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
  }
}
