import { accessSync, appendFileSync, constants, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../errors';
import { replaceFile } from '../replace-file';
import type { IndexIdentity } from './index-location';
import type { FileFingerprint } from './local-file';
import { dropSummary, readSummary, type SyncSummary, summaryFileOf, writeSummary } from './sync-summary';

/** A file whose object is confirmed in the bucket with this content, as S3 answered (`etag`). */
export interface IndexEntry extends FileFingerprint {
  readonly etag: string;
}

/** A multipart upload under way: the parts S3 confirmed, so a rerun sends only the others. */
export interface PendingUpload extends FileFingerprint {
  readonly uploadId: string;
  readonly partSize: number;
  readonly parts: Record<string, string>;
}

type JournalLine =
  | { op: 'put'; path: string; entry: IndexEntry }
  | { op: 'forget'; path: string }
  | { op: 'mpu'; path: string; upload: PendingUpload }
  | { op: 'part'; path: string; uploadId: string; part: number; etag: string };

interface Snapshot {
  version: 1;
  identity: IndexIdentity;
  files: Record<string, IndexEntry>;
  multipart: Record<string, PendingUpload>;
}

const FLUSH_MS = 100;

/**
 * What this machine knows it has sent: a JSON snapshot, plus an append-only journal of each
 * confirmation since. Every confirmed upload lands in the journal within {@link FLUSH_MS}, so a
 * push killed at any moment loses at most that much knowledge — and the plan's remote check turns
 * even that into a HEAD, not a re-send. A finished sync folds the journal into the snapshot.
 *
 * Beside it, the {@link SyncSummary} of the last finished sync. The snapshot and journal are read
 * only when asked for: a push that the summary shows to be unchanged never parses them.
 */
export class LocalIndex {
  private loaded?: {
    readonly files: Map<string, IndexEntry>;
    readonly multipart: Map<string, PendingUpload>;
  };
  private pending: string[] = [];
  /** Whether anything differs from the snapshot on disk (a replayed journal counts). */
  private changed = false;
  /** Whether the summary still stands: deleted before the first change. */
  private summarized: boolean;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    readonly file: string,
    private readonly identity: IndexIdentity,
    /** The last finished sync, as read when the index was opened (a change since deletes its file). */
    readonly summary: SyncSummary | undefined,
  ) {
    this.summarized = summary !== undefined;
    // A failed write here surfaces at `save`, which the push needs before its manifest.
    this.timer = setInterval(() => this.tryFlush(), FLUSH_MS).unref();
  }

  /**
   * Loads the snapshot and replays the journal; a damaged record is dropped, never fatal. A folder
   * it cannot write is fatal, before anything is sent: a push must be able to record its progress.
   */
  static open(file: string, identity: IndexIdentity): LocalIndex {
    const folder = path.dirname(file);
    try {
      mkdirSync(folder, { recursive: true });
      accessSync(folder, constants.W_OK);
    } catch (error) {
      throw new CliError(
        'STATE_UNWRITABLE',
        `cannot write kismo's index in ${folder} (${(error as NodeJS.ErrnoException).code}): fix its permissions or set XDG_STATE_HOME`,
      );
    }
    return new LocalIndex(file, identity, readSummary(summaryFileOf(file)));
  }

  get(filePath: string): IndexEntry | undefined {
    return this.data().files.get(filePath);
  }

  paths(): IterableIterator<string> {
    return this.data().files.keys();
  }

  pendingUpload(filePath: string): PendingUpload | undefined {
    return this.data().multipart.get(filePath);
  }

  confirm(filePath: string, entry: IndexEntry): void {
    this.record({ op: 'put', path: filePath, entry });
  }

  forget(filePath: string): void {
    this.record({ op: 'forget', path: filePath });
  }

  startUpload(filePath: string, upload: PendingUpload): void {
    this.record({ op: 'mpu', path: filePath, upload });
  }

  confirmPart(filePath: string, uploadId: string, part: number, etag: string): void {
    this.record({ op: 'part', path: filePath, uploadId, part, etag });
  }

  /** Writes the journal lines gathered since the last flush (one write call). */
  flush(): void {
    if (this.pending.length === 0) return;
    appendFileSync(journalOf(this.file), this.pending.join(''));
    this.pending = [];
  }

  private tryFlush(): void {
    try {
      this.flush();
    } catch {
      // Kept in `pending`: the next flush or `save` tries again, and `save` reports the error.
    }
  }

  /**
   * Folds everything into a fresh snapshot (written then renamed, so never half-written) and drops
   * the journal. Returns whether anything had changed since the snapshot was read.
   */
  save(): boolean {
    if (!this.changed) return false;
    const { files, multipart } = this.data();
    const snapshot: Snapshot = {
      version: 1,
      identity: this.identity,
      files: Object.fromEntries(files),
      multipart: Object.fromEntries(multipart),
    };
    try {
      replaceFile(this.file, JSON.stringify(snapshot));
    } catch (error) {
      throw new CliError(
        'STATE_UNWRITABLE',
        `cannot save kismo's index ${this.file} (${(error as NodeJS.ErrnoException).code}): free some space or set XDG_STATE_HOME, then push again`,
      );
    }
    this.pending = [];
    this.changed = false;
    rmSync(journalOf(this.file), { force: true });
    return true;
  }

  /**
   * Records a finished sync, once its changes are saved and the dataset's record is written: the
   * next push of the same folder, finding both as they are now, needs nothing else.
   */
  summarize(summary: SyncSummary): void {
    if (this.changed) throw new Error('the index has unsaved changes: save it before summarizing');
    try {
      writeSummary(summaryFileOf(this.file), summary);
      this.summarized = true;
    } catch {
      // Only a shortcut for the next push, which then reads the index and plans as usual.
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.tryFlush();
  }

  /** The snapshot with the journal replayed, read on first use. */
  private data(): NonNullable<LocalIndex['loaded']> {
    if (this.loaded) return this.loaded;
    const snapshot = readSnapshot(this.file);
    this.loaded = {
      files: new Map(Object.entries(snapshot?.files ?? {})),
      multipart: new Map(Object.entries(snapshot?.multipart ?? {})),
    };
    for (const line of readLines(journalOf(this.file))) {
      this.apply(line);
      this.changed = true;
    }
    return this.loaded;
  }

  private record(line: JournalLine): void {
    // Before the change reaches the journal: a summary must never outlive the state it describes.
    if (this.summarized) {
      dropSummary(summaryFileOf(this.file));
      this.summarized = false;
    }
    this.apply(line);
    this.changed = true;
    this.pending.push(`${JSON.stringify(line)}\n`);
  }

  private apply(line: JournalLine): void {
    const { files, multipart } = this.data();
    switch (line.op) {
      case 'put':
        files.set(line.path, line.entry);
        multipart.delete(line.path);
        return;
      case 'forget':
        files.delete(line.path);
        multipart.delete(line.path);
        return;
      case 'mpu':
        multipart.set(line.path, line.upload);
        return;
      case 'part': {
        const upload = multipart.get(line.path);
        if (upload?.uploadId === line.uploadId) upload.parts[String(line.part)] = line.etag;
        return;
      }
    }
  }
}

function journalOf(file: string): string {
  return file.replace(/\.json$/, '.journal');
}

function readSnapshot(file: string): Snapshot | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Snapshot>;
    if (parsed.version !== 1 || typeof parsed.files !== 'object' || parsed.files === null) return undefined;
    return { ...parsed, multipart: parsed.multipart ?? {} } as Snapshot;
  } catch {
    return undefined;
  }
}

function readLines(file: string): JournalLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines: JournalLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    try {
      lines.push(JSON.parse(raw) as JournalLine);
    } catch {
      // The last line of a killed push may be torn; the remote check covers what it said.
    }
  }
  return lines;
}
