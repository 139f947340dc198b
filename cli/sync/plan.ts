import type { LocalFile } from './local-file';
import type { IndexEntry } from './local-index';
import type { RemoteObject } from './remote-listing';

/**
 * What to do with one file:
 * - `skip`: the index says this very file (size, mtime) is the object the listing shows (ETag);
 * - `recheck`: only the mtime moved (a touch, a copy): hash it, and send it only if the content differs;
 * - `verify`: an object of the same size is there but this machine has no record of sending it (an
 *   interrupted run, a lost index): hash it and compare with the object's recorded SHA-256 (one HEAD);
 * - `upload`: new, changed, or gone from the bucket.
 */
export type FileAction =
  | { readonly kind: 'skip'; readonly file: LocalFile; readonly entry: IndexEntry }
  | { readonly kind: 'recheck'; readonly file: LocalFile; readonly entry: IndexEntry }
  | { readonly kind: 'verify'; readonly file: LocalFile; readonly remote: RemoteObject }
  | { readonly kind: 'upload'; readonly file: LocalFile };

export interface SyncPlan {
  readonly skip: readonly Extract<FileAction, { kind: 'skip' }>[];
  /** Everything that needs reading, in path order. */
  readonly work: readonly Exclude<FileAction, { kind: 'skip' }>[];
  /** Paths in the bucket that the folder no longer has. */
  readonly deletions: readonly string[];
}

/** Compares the folder with the index and the bucket's listing. Trusts the index only where the bucket agrees. */
export function planSync(
  files: readonly LocalFile[],
  index: { get(path: string): IndexEntry | undefined },
  remote: ReadonlyMap<string, RemoteObject>,
): SyncPlan {
  const skip: Extract<FileAction, { kind: 'skip' }>[] = [];
  const work: Exclude<FileAction, { kind: 'skip' }>[] = [];
  const local = new Set<string>();
  for (const file of files) {
    local.add(file.path);
    const entry = index.get(file.path);
    const object = remote.get(file.path);
    const inPlace = entry !== undefined && object !== undefined && object.etag === entry.etag;
    if (inPlace && entry.size === file.size && entry.mtimeMs === file.mtimeMs) {
      skip.push({ kind: 'skip', file, entry });
    } else if (inPlace && entry.size === file.size) {
      work.push({ kind: 'recheck', file, entry });
    } else if (object !== undefined && object.size === file.size) {
      work.push({ kind: 'verify', file, remote: object });
    } else {
      work.push({ kind: 'upload', file });
    }
  }
  const deletions = [...remote.keys()].filter((path) => !local.has(path)).sort();
  return { skip, work, deletions };
}
