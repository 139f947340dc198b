import { datasetDigest } from './dataset-digest';
import { sessionKey } from './manifest';

/**
 * What a session was pushed with: `users/<owner>/sessions/<sessionId>/dataset.tsv`, written by
 * `kismo push` once every file is confirmed in the bucket and before the manifest, one line per
 * file: `ETag<TAB>size<TAB>sha256<TAB>path`, sorted by path. The bucket is versioned, so a push of
 * the same dataset before the session boots replaces the current objects but not these: the
 * instance fetches any file whose current object differs by the version holding this ETag. A
 * tab-separated file because the bootstrap reads it with awk; a dataset's paths hold no control
 * character (`kismo push` refuses them), so no path holds a tab or a newline.
 */
export const DATASET_PINS = 'dataset.tsv';

export function pinsKey(owner: string, sessionId: string): string {
  return sessionKey(owner, sessionId, DATASET_PINS);
}

/** One file of the dataset as it was pushed for the session. */
export interface PinnedFile {
  readonly path: string;
  readonly size: number;
  /** The object's ETag, without quotes. */
  readonly etag: string;
  /** The file's SHA-256, hex. */
  readonly sha256: string;
}

const ETAG = /^[0-9a-f]{32}(-\d{1,5})?$/;
const SHA256 = /^[0-9a-f]{64}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a path may hold no control character
const CONTROL = /[\u0000-\u001f\u007f]/;

export function renderPins(files: readonly PinnedFile[]): string {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  return sorted.map((f) => `${f.etag}\t${f.size}\t${f.sha256}\t${f.path}\n`).join('');
}

/** The pins of a `dataset.tsv`; throws, naming the line, for anything that is not one. */
export function parsePins(text: string): PinnedFile[] {
  const files: PinnedFile[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const [etag = '', size = '', sha256 = '', path = '', ...rest] = line.split('\t');
    const bytes = Number(size);
    const bad =
      rest.length > 0 ||
      !ETAG.test(etag) ||
      !/^\d+$/.test(size) ||
      !Number.isSafeInteger(bytes) ||
      !SHA256.test(sha256) ||
      path.length === 0 ||
      CONTROL.test(path) ||
      path.startsWith('/') ||
      path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..');
    if (bad) throw new Error(`${DATASET_PINS} line ${i + 1} is not "ETag<TAB>size<TAB>sha256<TAB>path"`);
    files.push({ etag, size: bytes, sha256, path });
  });
  return files;
}

/** The pins' files, bytes and digest, to hold against the manifest's. */
export function pinsSummary(files: readonly PinnedFile[]): { files: number; bytes: number; digest: string } {
  return {
    files: files.length,
    bytes: files.reduce((sum, f) => sum + f.size, 0),
    digest: datasetDigest(files),
  };
}
