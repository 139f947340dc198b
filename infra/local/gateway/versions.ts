// S3 versioning for the local cloud, which fauxqs does not have: the data bucket on AWS is
// versioned, so a write or a delete must keep what it replaces, and a GET of `?versionId=` and a
// ListObjectVersions must answer as S3 does. The current object stays where fauxqs keeps it; the
// version it replaces is copied first (copy on write) into a shadow bucket no one is granted,
// `<bucket>.versions`, under `<versionId>/<key>`. The history of every key is a JSON line per change.
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { escapeXml } from '../s3-text';

/** One version of a key, newest last in a history. */
export interface VersionRecord {
  readonly versionId: string;
  readonly lastModified: string;
  readonly etag?: string;
  readonly size?: number;
  /** A delete marker: the key reads as gone, its older versions stay. */
  readonly deleteMarker?: boolean;
}

/** S3's id for an object written before versioning was enabled. */
export const NULL_VERSION = 'null';

/** Where a version other than the current one is kept. */
export function shadowBucket(bucket: string): string {
  return `${bucket}.versions`;
}

export function shadowKey(key: string, versionId: string): string {
  return `${versionId}/${key}`;
}

/** A version id as S3 makes them: 32 URL-safe characters. */
export function newVersionId(): string {
  return randomBytes(24).toString('base64url');
}

/** The first line of a history begun on an empty bucket: every object since has a history. */
interface SavedStart {
  readonly complete: true;
}

interface SavedChange extends VersionRecord {
  readonly bucket: string;
  readonly key: string;
}

/** The histories of every key of the versioned buckets, kept in a JSON-lines file. */
export class VersionStore {
  readonly #histories = new Map<string, VersionRecord[]>();
  readonly #file: string | undefined;
  #complete = false;

  constructor(file?: string) {
    this.#file = file;
    if (file) this.#load(file);
  }

  /**
   * Whether every object of the buckets has a history (it began on empty buckets): then a key
   * without one holds nothing, and a write need not look for an older object to keep.
   */
  get complete(): boolean {
    return this.#complete;
  }

  /** Says the history began on empty buckets; only before its first change. */
  markComplete(): void {
    if (this.#complete || this.#histories.size > 0) return;
    this.#complete = true;
    this.#save({ complete: true });
  }

  /** The key's versions, oldest first; empty for a key never written since versioning began. */
  history(bucket: string, key: string): readonly VersionRecord[] {
    return this.#histories.get(`${bucket}/${key}`) ?? [];
  }

  current(bucket: string, key: string): VersionRecord | undefined {
    return this.history(bucket, key).at(-1);
  }

  find(bucket: string, key: string, versionId: string): VersionRecord | undefined {
    return this.history(bucket, key).find((v) => v.versionId === versionId);
  }

  add(bucket: string, key: string, record: VersionRecord): void {
    const id = `${bucket}/${key}`;
    this.#histories.set(id, [...(this.#histories.get(id) ?? []), record]);
    this.#save({ bucket, key, ...record });
  }

  /** Every key of the bucket with a history, under `prefix`, in key order. */
  keys(bucket: string, prefix: string): string[] {
    const start = `${bucket}/`;
    return [...this.#histories.keys()]
      .filter((id) => id.startsWith(start + prefix))
      .map((id) => id.slice(start.length))
      .sort();
  }

  #save(change: SavedChange | SavedStart): void {
    if (!this.#file) return;
    mkdirSync(path.dirname(this.#file), { recursive: true });
    appendFileSync(this.#file, `${JSON.stringify(change)}\n`);
  }

  #load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const line of text.split('\n')) {
      let change: SavedChange | SavedStart;
      try {
        change = JSON.parse(line) as SavedChange | SavedStart;
      } catch {
        continue; // a line cut short by a crash
      }
      if ('complete' in change) {
        this.#complete = true;
        continue;
      }
      const { bucket, key, ...record } = change;
      const id = `${bucket}/${key}`;
      this.#histories.set(id, [...(this.#histories.get(id) ?? []), record]);
    }
  }
}

/** One entry of a ListObjectVersions answer. */
export interface ListedVersion {
  readonly key: string;
  readonly record: VersionRecord;
  readonly isLatest: boolean;
}

export interface VersionListing {
  readonly entries: readonly ListedVersion[];
  readonly truncated: boolean;
  readonly nextKeyMarker?: string;
  readonly nextVersionIdMarker?: string;
}

/**
 * ListObjectVersions' order and paging: keys in order, each key's versions newest first, at most
 * `maxKeys` entries, resuming after (`keyMarker`, `versionIdMarker`) as S3 does.
 */
export function pageVersions(
  histories: readonly { key: string; versions: readonly VersionRecord[] }[],
  options: { keyMarker?: string; versionIdMarker?: string; maxKeys: number },
): VersionListing {
  const all: ListedVersion[] = [];
  for (const { key, versions } of [...histories].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  )) {
    const newestFirst = [...versions].reverse();
    newestFirst.forEach((record, i) => {
      all.push({ key, record, isLatest: i === 0 });
    });
  }
  let start = 0;
  const { keyMarker, versionIdMarker } = options;
  if (keyMarker) {
    const at = versionIdMarker
      ? all.findIndex((e) => e.key === keyMarker && e.record.versionId === versionIdMarker)
      : -1;
    start = at >= 0 ? at + 1 : all.findIndex((e) => e.key > keyMarker);
    if (start === -1) start = all.length;
  }
  const entries = all.slice(start, start + options.maxKeys);
  const truncated = start + options.maxKeys < all.length;
  const last = entries.at(-1);
  return {
    entries,
    truncated,
    ...(truncated && last ? { nextKeyMarker: last.key, nextVersionIdMarker: last.record.versionId } : {}),
  };
}

/** The XML S3 answers ListObjectVersions with. */
export function listVersionsXml(
  bucket: string,
  query: { prefix: string; keyMarker?: string; versionIdMarker?: string; maxKeys: number },
  listing: VersionListing,
): string {
  const items = listing.entries
    .map(({ key, record, isLatest }) => {
      const common = `<Key>${escapeXml(key)}</Key><VersionId>${record.versionId}</VersionId><IsLatest>${isLatest}</IsLatest><LastModified>${record.lastModified}</LastModified>`;
      return record.deleteMarker
        ? `<DeleteMarker>${common}</DeleteMarker>`
        : `<Version>${common}<ETag>${escapeXml(record.etag ?? '')}</ETag><Size>${record.size ?? 0}</Size><StorageClass>STANDARD</StorageClass></Version>`;
    })
    .join('');
  const markers = `<KeyMarker>${escapeXml(query.keyMarker ?? '')}</KeyMarker><VersionIdMarker>${escapeXml(query.versionIdMarker ?? '')}</VersionIdMarker>`;
  const next = listing.truncated
    ? `<NextKeyMarker>${escapeXml(listing.nextKeyMarker ?? '')}</NextKeyMarker><NextVersionIdMarker>${listing.nextVersionIdMarker ?? ''}</NextVersionIdMarker>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(query.prefix)}</Prefix>${markers}<MaxKeys>${query.maxKeys}</MaxKeys><IsTruncated>${listing.truncated}</IsTruncated>${next}${items}</ListVersionsResult>`;
}
