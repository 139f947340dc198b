import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * fauxqs's `startFauxqs` always listens on 0.0.0.0, and only it wires persistence. We assemble the
 * same pieces ourselves — its stores and SQLite persistence, loaded by file path from the pinned
 * version since the package exports only its entry point — and listen on 127.0.0.1.
 */
interface FauxqsInternals {
  SqsStore: new () => { persistence?: unknown; allQueues(): Iterable<{ persistence?: unknown }> };
  SnsStore: new () => { persistence?: unknown };
  S3Store: new () => { persistence?: unknown };
  PersistenceManager: new (
    dataDir: string,
  ) => {
    readonly db: { exec(sql: string): void };
    load(sqs: unknown, sns: unknown, s3: unknown): void;
    close(): void;
  };
}

/** node:sqlite (under fauxqs's persistence) warns on every start that it is experimental; nothing we can act on. */
function silenceSqliteWarning(): void {
  const emit = process.emitWarning.bind(process);
  if ((emit as { kismoQuiet?: boolean }).kismoQuiet) return;
  const quiet = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.includes('SQLite is an experimental feature')) return;
    (emit as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning & { kismoQuiet?: boolean };
  quiet.kismoQuiet = true;
  process.emitWarning = quiet;
}

async function loadInternals(): Promise<FauxqsInternals> {
  silenceSqliteWarning();
  const dist = path.dirname(fileURLToPath(import.meta.resolve('fauxqs')));
  const load = async (file: string) => import(pathToFileURL(path.join(dist, file)).href);
  const [sqs, sns, s3, persistence] = await Promise.all([
    load('sqs/sqsStore.js'),
    load('sns/snsStore.js'),
    load('s3/s3Store.js'),
    load('persistence.js'),
  ]);
  return {
    SqsStore: sqs.SqsStore,
    SnsStore: sns.SnsStore,
    S3Store: s3.S3Store,
    PersistenceManager: persistence.PersistenceManager,
  };
}

/**
 * fauxqs's persistence for S3, minus multipart uploads in progress. fauxqs keeps every part in
 * memory until the upload completes anyway; writing each part to SQLite too, then the completed
 * object again, doubled the disk writes of every large file (a quarter of the local S3's time in a
 * push of 256 MiB). Completed objects are stored as before. A restart of the local cloud now drops
 * uploads in progress, as S3 drops abandoned ones: `kismo push` starts such files over.
 */
function withUploadsInMemory<T extends object>(persistence: T): T {
  return Object.assign(Object.create(persistence) as T, {
    insertMultipartUpload: () => {},
    upsertMultipartPart: () => {},
  });
}

/** fauxqs's SQLite store could not be opened or read. */
export class CorruptStateError extends Error {
  constructor(
    readonly dataDir: string,
    cause: Error,
  ) {
    super(`${dataDir} cannot be read (${cause.message})`);
    this.name = 'CorruptStateError';
  }
}

function openPersistence(internals: FauxqsInternals, dataDir: string) {
  try {
    const persistence = new internals.PersistenceManager(dataDir);
    // WAL with synchronous=NORMAL: a crash of the process loses nothing, a power cut at most the
    // last writes, and a commit no longer waits for an fsync (a small object's PUT: 0.3 ms → 0.08).
    persistence.db.exec('PRAGMA synchronous = NORMAL');
    return persistence;
  } catch (error) {
    throw new CorruptStateError(dataDir, error as Error);
  }
}

export interface FauxqsHandle {
  /** `http://127.0.0.1:<port>`: internal, only the gateway talks to it. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts fauxqs on a free loopback port; with `dataDir`, its queues and objects survive a restart. */
export async function startFauxqsOnLoopback(options: {
  dataDir?: string;
  region: string;
}): Promise<FauxqsHandle> {
  const internals = await loadInternals();
  const sqsStore = new internals.SqsStore();
  const snsStore = new internals.SnsStore();
  const s3Store = new internals.S3Store();
  const persistence = options.dataDir ? openPersistence(internals, options.dataDir) : undefined;
  if (persistence) {
    try {
      persistence.load(sqsStore, snsStore, s3Store);
    } catch (error) {
      persistence.close();
      throw new CorruptStateError(options.dataDir ?? '', error as Error);
    }
    sqsStore.persistence = persistence;
    snsStore.persistence = persistence;
    s3Store.persistence = withUploadsInMemory(persistence);
    for (const queue of sqsStore.allQueues()) queue.persistence = persistence;
  }
  const { buildApp } = await import('fauxqs');
  const app = buildApp({
    logger: false,
    defaultRegion: options.region,
    stores: { sqsStore, snsStore, s3Store } as never,
  });
  if (persistence) app.addHook('preClose', () => persistence.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      await app.close();
    },
  };
}
