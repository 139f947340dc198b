import { createHash } from 'node:crypto';

/** One file of a dataset, as the manifest's digest covers it. */
export interface DigestEntry {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * The manifest's `dataset.digest`: SHA-256 over one `path size sha256` line per file, each ending in
 * `\n`, sorted by path in byte order — so a shell on the instance can recompute it with
 * `LC_ALL=C sort` and `sha256sum`.
 */
export function datasetDigest(entries: readonly DigestEntry[]): string {
  const lines = entries.map((e) => Buffer.from(`${e.path} ${e.size} ${e.sha256}\n`, 'utf8'));
  lines.sort(Buffer.compare);
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return hash.digest('hex');
}
