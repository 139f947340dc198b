import type { S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { CliError } from '../errors';
import { deleteRemote } from './delete-remote';
import type { DigestEntry } from './digest';
import type { LocalIndex } from './local-index';
import { planSync } from './plan';
import type { SyncProgress } from './progress';
import { listRemote, type RemoteObject } from './remote-listing';
import type { ScanResult } from './scan';
import { type FileOutcome, syncFile } from './sync-file';
import { datasetState, readSyncRecord, writeSyncRecord } from './sync-record';
import { DEFAULT_PART_SIZE, type Transfer } from './transfer';

export interface SyncOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** `users/<owner>/datasets/<name>/` */
  readonly prefix: string;
  readonly scan: ScanResult;
  readonly index: LocalIndex;
  /** Files, and S3 requests, in flight at once. @default 16 */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly progress?: SyncProgress;
  /** @default 8 MiB */
  readonly partSize?: number;
  /** List the bucket even when the dataset's sync record matches the index (`kismo push --verify`). */
  readonly verify?: boolean;
}

/** The dataset as it now stands in the bucket. */
export interface SyncResult {
  /** Every file with the content its object holds, for the manifest's digest. */
  readonly entries: readonly DigestEntry[];
  readonly bytes: number;
  /** Objects written by this run. */
  readonly uploaded: number;
  /** Files whose object already held their content. */
  readonly skipped: number;
  readonly deleted: number;
  /** How the bucket's side was known: its listing, or the sync record matching the index. */
  readonly remote: 'listed' | 'recorded';
}

/**
 * Makes the prefix hold exactly the folder's files: sends the new and changed ones, deletes the
 * ones gone, and records each confirmation in the index as it happens. It resolves only when every
 * file is confirmed in place; on any failure or abort it waits for in-flight requests to stop,
 * keeps what was confirmed, and rejects — the caller then writes no manifest.
 */
export async function syncFolder(options: SyncOptions): Promise<SyncResult> {
  const { index, scan } = options;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const concurrency = options.concurrency ?? 16;
  const progress = options.progress;
  try {
    const record = await readSyncRecord(options.s3, options.bucket, options.prefix);
    const known = indexedObjects(index);
    const before = datasetState(known);
    const recorded = !options.verify && record.state === before;
    const remote = recorded ? known : await listRemote(options.s3, options.bucket, options.prefix, signal);
    const plan = planSync(scan.files, index, remote);
    progress?.planned({
      files: plan.work.length,
      bytes: plan.work.reduce((sum, a) => sum + a.file.size, 0),
      skipped: plan.skip.length,
      deletions: plan.deletions.length,
    });
    const transfer: Transfer = {
      s3: options.s3,
      bucket: options.bucket,
      prefix: options.prefix,
      // Separate limits for files and requests: a file waiting on its parts must not hold the slots they need.
      requests: pLimit(concurrency),
      index,
      signal,
      partSize: options.partSize ?? DEFAULT_PART_SIZE,
      onBytes: (bytes) => progress?.bytesDone(bytes),
    };
    const files = pLimit(concurrency);
    const outcomes = await settleAll(
      plan.work.map((action) =>
        files(async () => {
          const outcome = await syncFile(transfer, action);
          progress?.fileDone();
          return outcome;
        }),
      ),
      stop,
    );
    const unstable = plan.work.filter((_, i) => outcomes[i] === 'unstable').map((a) => a.file.path);
    if (unstable.length > 0) {
      throw new CliError(
        'FILES_CHANGED',
        `${unstable.length} files changed while they were pushed (${unstable.slice(0, 10).join(', ')}): run the push again once they are written`,
      );
    }
    await deleteRemote(transfer, plan.deletions);
    const local = new Set(scan.files.map((f) => f.path));
    for (const path of [...index.paths()]) if (!local.has(path)) index.forget(path);
    // An index that did not change still fingerprints as `before`.
    const changed = index.save();
    await writeSyncRecord(
      options.s3,
      options.bucket,
      record,
      changed ? datasetState(indexedObjects(index)) : before,
    );
    progress?.finished();
    const entries = scan.files.map((file) => {
      const entry = index.get(file.path);
      if (!entry) throw new Error(`${file.path} has no confirmed upload after the sync`);
      return { path: file.path, size: entry.size, sha256: entry.sha256 };
    });
    return {
      entries,
      bytes: entries.reduce((sum, e) => sum + e.size, 0),
      uploaded: outcomes.filter((o) => o === 'sent').length,
      skipped: plan.skip.length + outcomes.filter((o) => o === 'same').length,
      deleted: plan.deletions.length,
      remote: recorded ? 'recorded' : 'listed',
    };
  } finally {
    index.close();
  }
}

/** The objects the index says this machine put in the bucket, as a listing would show them. */
function indexedObjects(index: LocalIndex): Map<string, RemoteObject> {
  const objects = new Map<string, RemoteObject>();
  for (const path of index.paths()) {
    const entry = index.get(path);
    if (entry) objects.set(path, { size: entry.size, etag: entry.etag });
  }
  return objects;
}

/** Like Promise.all, but on the first failure it stops the rest and waits for them before rejecting. */
async function settleAll(
  tasks: readonly Promise<FileOutcome>[],
  stop: AbortController,
): Promise<FileOutcome[]> {
  let first: unknown;
  const guarded = tasks.map((task) =>
    task.catch((error: unknown) => {
      if (first === undefined) {
        first = error;
        stop.abort(error);
      }
      return undefined;
    }),
  );
  const results = await Promise.all(guarded);
  if (first !== undefined) throw first;
  return results as FileOutcome[];
}
