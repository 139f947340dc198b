import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { replaceFile } from '../replace-file';
import type { LocalFile } from './local-file';

/**
 * What the last finished sync of a folder established, kept beside its index: the folder as it was
 * (a fingerprint of every file's path, size and mtime), the dataset as its sync record then said
 * (`state`), and what a manifest needs of it. When the folder and the record both still match, nothing
 * changed on either side since: the push needs no plan and not even the index (for 2,000 files,
 * about a tenth of an unchanged re-push). The index deletes it before its first change, so it
 * exists only while it is true.
 */
export interface SyncSummary {
  /** {@link folderFingerprint} of the folder that was synced. */
  readonly folder: string;
  /** The dataset's fingerprint the sync left in its record (`datasetState`). */
  readonly state: string;
  readonly files: number;
  readonly bytes: number;
  /** The manifest's `dataset.digest` of those files. */
  readonly digest: string;
  /** The session's `dataset.tsv` for those files (`contracts/dataset-pins.ts`). */
  readonly pins: string;
}

/** SHA-256 over every file's path, size and mtime, in the scan's (path) order. */
export function folderFingerprint(files: readonly LocalFile[]): string {
  const hash = createHash('sha256');
  let lines = '';
  for (const file of files) {
    lines += `${file.path}\u0000${file.size}\u0000${file.mtimeMs}\n`;
    // One update per 64 KiB of lines: one per file costs more than the hashing.
    if (lines.length > 65_536) {
      hash.update(lines);
      lines = '';
    }
  }
  return hash.update(lines).digest('hex');
}

/** `<index>.json` → `<index>.summary.json` */
export function summaryFileOf(indexFile: string): string {
  return indexFile.replace(/\.json$/, '.summary.json');
}

/** The summary, if there is a whole one. */
export function readSummary(file: string): SyncSummary | undefined {
  let parsed: Partial<Record<keyof SyncSummary, unknown>> & { version?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const { version, folder, state, files, bytes, digest, pins } = parsed ?? {};
  // Version 1 had no pins: its folder is synced again, once, to know them.
  if (version !== 2) return undefined;
  if (typeof folder !== 'string' || typeof state !== 'string' || typeof digest !== 'string') return undefined;
  if (typeof files !== 'number' || typeof bytes !== 'number' || typeof pins !== 'string') return undefined;
  return { folder, state, files, bytes, digest, pins };
}

/** Replaced whole: a reader sees the old summary, the new one, or none. */
export function writeSummary(file: string, summary: SyncSummary): void {
  replaceFile(file, JSON.stringify({ version: 2, ...summary }));
}

export function dropSummary(file: string): void {
  rmSync(file, { force: true });
}
