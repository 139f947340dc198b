import type { AddressInfo } from 'node:net';
import { silenceSqliteWarning } from './quiet-sqlite';

// fauxqs's `startFauxqs` always listens on 0.0.0.0, and only it wires persistence. We assemble the
// same pieces ourselves (its stores and SQLite persistence) and listen on 127.0.0.1.

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

type Fauxqs = typeof import('./fauxqs-internals') & typeof import('fauxqs');

function openPersistence({ PersistenceManager }: Fauxqs, dataDir: string) {
  try {
    const persistence = new PersistenceManager(dataDir);
    // WAL with synchronous=NORMAL: a crash of the process loses nothing, a power cut at most the
    // last writes, and a commit no longer waits for an fsync (a small object's PUT: 0.3 ms → 0.08).
    // (`db` is private in fauxqs's types: the pragma is ours to set, not its.)
    (persistence as unknown as { db: { exec(sql: string): void } }).db.exec('PRAGMA synchronous = NORMAL');
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
  // node:sqlite (under fauxqs's persistence) warns as it loads: fauxqs loads once that is quiet.
  silenceSqliteWarning();
  const fauxqs: Fauxqs = { ...(await import('./fauxqs-internals')), ...(await import('fauxqs')) };
  const { buildApp, S3Store, SnsStore, SqsStore } = fauxqs;
  const sqsStore = new SqsStore();
  const snsStore = new SnsStore();
  const s3Store = new S3Store();
  const persistence = options.dataDir ? openPersistence(fauxqs, options.dataDir) : undefined;
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
