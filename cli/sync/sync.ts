import { datasetDigest } from '../../contracts/dataset-digest';
import { type PinnedFile, parsePins, renderPins } from '../../contracts/dataset-pins';
import { bareEtag, type DataBucket } from '../../services/kit/ports/objects';
import type { LocalIndex } from './local-index';
import { planSync } from './plan';
import type { SyncProgress } from './progress';
import { listRemote, type RemoteObject } from './remote-listing';
import type { ScanResult } from './scan';
import { sendChanges } from './send-changes';
import {
  datasetState,
  type RecordObjects,
  readSyncRecord,
  type SyncRecord,
  sourceOf,
  writeSyncRecord,
} from './sync-record';
import { folderFingerprint } from './sync-summary';
import type { TransferObjects } from './transfer';

export interface SyncOptions {
  /** The data bucket: the sync record, the listing, and every transfer. */
  readonly objects: RecordObjects & TransferObjects & Pick<DataBucket, 'list'>;
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
  /** The dataset's sync record, when the caller read it already; otherwise the sync reads it. */
  readonly record?: SyncRecord;
}

/** The dataset as it now stands in the bucket. */
export interface SyncResult {
  readonly files: number;
  readonly bytes: number;
  /** The manifest's `dataset.digest`: every file with the content its object holds. */
  readonly digest: string;
  /** Every file with the object that holds it, for the session's `dataset.tsv`. */
  readonly pins: readonly PinnedFile[];
  /** Objects written by this run. */
  readonly uploaded: number;
  /** Files whose object already held their content. */
  readonly skipped: number;
  readonly deleted: number;
  /**
   * How the bucket's side was known: its listing, the sync record matching the index, or the
   * record and the folder both as the last finished sync left them (`unchanged`: no plan made).
   */
  readonly remote: 'listed' | 'recorded' | 'unchanged';
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
    const record = options.record ?? (await readSyncRecord(options.objects, options.prefix));
    const folder = folderFingerprint(scan.files);
    const last = index.summary;
    if (!options.verify && last && last.folder === folder && last.state === record.state) {
      progress?.planned({ files: 0, bytes: 0, skipped: last.files, deletions: 0 });
      progress?.finished();
      const { files, bytes, digest } = last;
      const pins = parsePins(last.pins);
      return { files, bytes, digest, pins, uploaded: 0, skipped: files, deleted: 0, remote: 'unchanged' };
    }
    const { remote, recorded, before } = await bucketSide({ ...options, record, signal });
    const plan = planSync(scan.files, index, remote);
    progress?.planned({
      files: plan.work.length,
      bytes: plan.work.reduce((sum, a) => sum + a.file.size, 0),
      skipped: plan.skip.length,
      deletions: plan.deletions.length,
    });
    const outcomes =
      plan.work.length > 0 || plan.deletions.length > 0
        ? await sendChanges(plan, {
            objects: options.objects,
            prefix: options.prefix,
            index,
            signal,
            stop,
            partSize: options.partSize,
            onBytes: (bytes) => progress?.bytesDone(bytes),
            concurrency,
            progress,
          })
        : [];
    const local = new Set(scan.files.map((f) => f.path));
    for (const path of [...index.paths()]) if (!local.has(path)) index.forget(path);
    // An index that did not change still fingerprints as `before`.
    const changed = index.save();
    const state = changed ? datasetState(indexedObjects(index)) : before;
    await writeSyncRecord(options.objects, record, state, sourceOf(scan.root));
    progress?.finished();
    const entries = pinsOf(scan, index);
    const summary = {
      folder,
      state,
      files: entries.length,
      bytes: entries.reduce((sum, e) => sum + e.size, 0),
      digest: datasetDigest(entries),
      pins: renderPins(entries),
    };
    index.summarize(summary);
    return {
      files: summary.files,
      bytes: summary.bytes,
      digest: summary.digest,
      pins: entries,
      uploaded: outcomes.filter((o) => o === 'sent').length,
      skipped: plan.skip.length + outcomes.filter((o) => o === 'same').length,
      deleted: plan.deletions.length,
      remote: recorded ? 'recorded' : 'listed',
    };
  } finally {
    index.close();
  }
}

/** Every file of the folder with the object the index confirmed for it. */
function pinsOf(scan: ScanResult, index: LocalIndex): PinnedFile[] {
  return scan.files.map((file) => {
    const entry = index.get(file.path);
    if (!entry) throw new Error(`${file.path} has no confirmed upload after the sync`);
    return { path: file.path, size: entry.size, sha256: entry.sha256, etag: bareEtag(entry.etag) };
  });
}

/**
 * The dataset's objects as the sync will see them: from the index when the bucket's sync record
 * says nothing changed since this machine's last push, from a listing otherwise.
 */
async function bucketSide(
  options: Pick<SyncOptions, 'objects' | 'prefix' | 'index' | 'verify' | 'signal'> & { record: SyncRecord },
): Promise<{ remote: Map<string, RemoteObject>; recorded: boolean; before: string }> {
  const known = indexedObjects(options.index);
  const before = datasetState(known);
  const recorded = !options.verify && options.record.state === before;
  const remote = recorded ? known : await listRemote(options.objects, options.prefix, options.signal);
  return { remote, recorded, before };
}

/**
 * The files a push of `scan` would delete from the dataset (in the bucket, not in the folder),
 * found as the sync will find them: for the question asked before anything is sent. It leaves
 * the index open (and read) for the sync that follows. A folder and a record as the last push
 * left them delete nothing, and need neither the index nor a listing.
 */
export async function deletionsOf(
  options: Pick<SyncOptions, 'objects' | 'prefix' | 'index' | 'scan' | 'verify' | 'signal'> & {
    record: SyncRecord;
  },
): Promise<readonly string[]> {
  const last = options.index.summary;
  const unchanged =
    !options.verify &&
    last !== undefined &&
    last.state === options.record.state &&
    last.folder === folderFingerprint(options.scan.files);
  if (unchanged) return [];
  const { remote } = await bucketSide(options);
  const local = new Set(options.scan.files.map((f) => f.path));
  return [...remote.keys()].filter((path) => !local.has(path)).sort();
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
