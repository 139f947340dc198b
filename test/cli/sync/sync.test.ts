import { createHash } from 'node:crypto';
import {
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { indexPath } from '../../../cli/sync/index-location';
import { LocalIndex } from '../../../cli/sync/local-index';
import { scanFolder } from '../../../cli/sync/scan';
import { syncFolder } from '../../../cli/sync/sync';
import { type DataBucket, s3Objects } from '../../../services/kit/ports/objects';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { EventLog, listKeys, manyFiles, writeTree } from '../../support/push-fixtures';

const MiB = 1024 * 1024;

describe('the sync engine, against the local cloud', () => {
  let test: TestCloud;
  let s3: S3Client;
  let objects: DataBucket;
  let log: EventLog;
  let home: string;
  let folder: string;
  let prefix: string;
  let stateHome: string;
  let n = 0;

  beforeAll(async () => {
    test = await startTestCloud({ services: [] });
    s3 = test.cloud.s3();
    objects = s3Objects(s3, test.cloud.bucket);
    log = new EventLog(test.cloud);
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-sync-'));
  });
  afterAll(async () => {
    s3.destroy();
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });
  beforeEach(() => {
    n += 1;
    folder = path.join(home, `data-${n}`);
    stateHome = path.join(home, `state-${n}`);
    prefix = `users/ada/datasets/data-${n}/`;
  });

  /** One sync of `folder` to `prefix`, as `kismo push` runs it (`machine` names whose index it uses). */
  async function sync(options: { verify?: boolean; machine?: string } = {}) {
    const scan = await scanFolder(folder);
    const identity = { root: scan.root, endpoint: test.cloud.endpoint, bucket: test.cloud.bucket, prefix };
    const state = options.machine ? `${stateHome}-${options.machine}` : stateHome;
    const index = LocalIndex.open(indexPath(identity, { XDG_STATE_HOME: state }), identity);
    const result = await syncFolder({
      objects,
      prefix,
      scan,
      index,
      concurrency: 8,
      verify: options.verify,
    });
    await log.settle();
    return { result };
  }

  /** Runs a sync and returns the keys S3 reported written and deleted meanwhile. */
  async function syncAndWatch(options: { verify?: boolean; machine?: string } = {}) {
    const from = log.events.length;
    const { result } = await sync(options);
    return { result, created: log.created(prefix, from), deleted: log.deleted(prefix, from) };
  }

  it('sends every file on the first push, each with its SHA-256 as the object checksum', async () => {
    // Prepare
    writeTree(folder, {
      ...manyFiles(30, 2048),
      'nested/deeper/notes.txt': 'hello',
      'with space/naïve résumé.txt': 'é',
      'odd/a+b&c=d%20e.txt': '+',
    });

    // Act
    const { result, created } = await syncAndWatch();

    // Assess
    expect(result).toMatchObject({ uploaded: 33, skipped: 0, deleted: 0, bytes: 30 * 2048 + 5 + 2 + 1 });
    expect(created.sort()).toEqual(await listKeys(test.cloud, prefix));
    expect(created).toHaveLength(33);
    expect(created).toContain(`${prefix}with space/naïve résumé.txt`);
    expect(created).toContain(`${prefix}odd/a+b&c=d%20e.txt`);
    expect((await syncAndWatch()).result).toMatchObject({ uploaded: 0, skipped: 33 });
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: test.cloud.bucket,
        Key: `${prefix}nested/deeper/notes.txt`,
        ChecksumMode: 'ENABLED',
      }),
    );
    expect(head.ChecksumSHA256).toBe(createHash('sha256').update('hello').digest('base64'));
    expect(head.Metadata?.sha256).toBe(createHash('sha256').update('hello').digest('hex'));
  });

  it('re-sends exactly the one file that changed, and nothing when nothing changed', async () => {
    // Prepare
    writeTree(folder, manyFiles(20, 1024));
    await syncAndWatch();

    // Act
    const unchanged = await syncAndWatch();
    writeFileSync(path.join(folder, 'f007.bin'), 'new content');
    const changed = await syncAndWatch();

    // Assess
    expect(unchanged.created).toEqual([]);
    expect(unchanged.result).toMatchObject({ uploaded: 0, skipped: 20 });
    expect(changed.created).toEqual([`${prefix}f007.bin`]);
    expect(changed.result).toMatchObject({ uploaded: 1, skipped: 19 });
  });

  it('sends nothing for a file only touched (same content, new mtime)', async () => {
    // Prepare
    writeTree(folder, manyFiles(5, 1024));
    await syncAndWatch();
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(folder, 'f002.bin'), later, later);

    // Act
    const touched = await syncAndWatch();

    // Assess
    expect(touched.created).toEqual([]);
    expect(touched.result).toMatchObject({ uploaded: 0, skipped: 5 });
  });

  it('deletes in the bucket the files deleted locally', async () => {
    // Prepare
    writeTree(folder, manyFiles(6, 512));
    await syncAndWatch();
    unlinkSync(path.join(folder, 'f001.bin'));
    unlinkSync(path.join(folder, 'f004.bin'));

    // Act
    const { result, deleted, created } = await syncAndWatch();

    // Assess
    expect(result).toMatchObject({ uploaded: 0, deleted: 2, skipped: 4 });
    expect(deleted.sort()).toEqual([`${prefix}f001.bin`, `${prefix}f004.bin`]);
    expect(created).toEqual([]);
    expect(await listKeys(test.cloud, prefix)).toHaveLength(4);
  });

  it('re-sends nothing when the index is lost: it checks objects it has no record of', async () => {
    // Prepare
    writeTree(folder, manyFiles(10, 1024));
    await syncAndWatch();
    rmSync(stateHome, { recursive: true, force: true });

    // Act
    const { result, created } = await syncAndWatch();

    // Assess
    expect(created).toEqual([]);
    expect(result).toMatchObject({ uploaded: 0, skipped: 10 });
  });

  it('trusts its index, without listing the bucket, while the last push of the dataset was its own', async () => {
    // Prepare
    writeTree(folder, manyFiles(4, 1024));
    const first = await syncAndWatch();
    utimesSync(path.join(folder, 'f001.bin'), new Date(), new Date(Date.now() + 5000));

    // Act
    const touched = await syncAndWatch();

    // Assess
    expect(first.result.remote).toBe('listed');
    expect(touched.result).toMatchObject({ remote: 'recorded', uploaded: 0, skipped: 4 });
    expect(touched.created).toEqual([]);
  });

  it('needs neither the index nor a plan while the folder and the record are as the last push left them', async () => {
    // Prepare
    writeTree(folder, { ...manyFiles(5, 1024), 'nested/notes.txt': 'hello' });
    const first = await syncAndWatch();
    const identity = {
      root: realpathSync(folder),
      endpoint: test.cloud.endpoint,
      bucket: test.cloud.bucket,
      prefix,
    };
    // Not even a readable index: the summary is all an unchanged push reads.
    writeFileSync(indexPath(identity, { XDG_STATE_HOME: stateHome }), 'not an index');

    // Act
    const again = await syncAndWatch();
    const verified = await syncAndWatch({ verify: true });

    // Assess
    expect(again.result).toEqual({ ...first.result, remote: 'unchanged', uploaded: 0, skipped: 6 });
    expect(again.created).toEqual([]);
    // Checked against the bucket, the dataset is what the summary said.
    expect(verified.result).toMatchObject({ remote: 'listed', digest: first.result.digest, files: 6 });
    expect(verified.created).toEqual([]);
  });

  it('lists the bucket when the sync record is unreadable, and writes a good one again', async () => {
    // Prepare
    writeTree(folder, manyFiles(3, 512));
    await syncAndWatch();
    const record = `users/ada/sync/data-${n}.json`;
    await s3.send(new PutObjectCommand({ Bucket: test.cloud.bucket, Key: record, Body: '{ not json' }));

    // Act
    const repaired = await syncAndWatch();
    const trusted = await syncAndWatch();

    // Assess
    expect(repaired.result).toMatchObject({ remote: 'listed', uploaded: 0, skipped: 3 });
    expect(trusted.result).toMatchObject({ remote: 'unchanged', uploaded: 0, skipped: 3 });
  });

  it('re-sends an object deleted behind its back when asked to verify, whatever its index says', async () => {
    // Prepare
    writeTree(folder, manyFiles(4, 1024));
    await syncAndWatch();
    await s3.send(new DeleteObjectCommand({ Bucket: test.cloud.bucket, Key: `${prefix}f003.bin` }));

    // Act
    const { result, created } = await syncAndWatch({ verify: true });

    // Assess
    expect(created).toEqual([`${prefix}f003.bin`]);
    expect(result).toMatchObject({ remote: 'listed', uploaded: 1, skipped: 3 });
  });

  it('lists the bucket again once another machine has pushed the dataset, and sends what that one changed back', async () => {
    // Prepare: this machine pushes; another pushes a different version of one file.
    writeTree(folder, manyFiles(4, 1024));
    await syncAndWatch();
    const ours = readFileSync(path.join(folder, 'f001.bin'));
    writeFileSync(path.join(folder, 'f001.bin'), 'the other machine’s version');
    await syncAndWatch({ machine: 'other' });
    writeFileSync(path.join(folder, 'f001.bin'), ours);
    const stamp = new Date(Date.now() - 60_000);
    utimesSync(path.join(folder, 'f001.bin'), stamp, stamp);

    // Act: this machine's index still says f001 is in place, as it left it.
    const { result, created } = await syncAndWatch();

    // Assess
    expect(result.remote).toBe('listed');
    expect(created).toEqual([`${prefix}f001.bin`]);
    const { Body } = await s3.send(
      new GetObjectCommand({ Bucket: test.cloud.bucket, Key: `${prefix}f001.bin` }),
    );
    expect(
      Buffer.from(await (Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()),
    ).toEqual(ours);
  });

  it('sends a 20 MiB file in parts that download as the same bytes', async () => {
    // Prepare
    writeTree(folder, { 'big.bin': 20 * MiB, 'small.txt': 'beside it' });
    const expected = createHash('sha256')
      .update(readFileSync(path.join(folder, 'big.bin')))
      .digest('hex');
    const from = log.events.length;

    // Act
    const { result } = await sync();
    const object = await s3.send(
      new GetObjectCommand({ Bucket: test.cloud.bucket, Key: `${prefix}big.bin` }),
    );
    const downloaded = Buffer.from(
      await (object.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())),
    );

    // Assess
    expect(result).toMatchObject({ uploaded: 2 });
    expect(createHash('sha256').update(downloaded).digest('hex')).toBe(expected);
    const bigEvent = log.events
      .slice(from)
      .find((e) => (e.detail as { object?: { key?: string } }).object?.key === `${prefix}big.bin`);
    expect(bigEvent?.detail).toMatchObject({ reason: 'CompleteMultipartUpload', object: { size: 20 * MiB } });
  });
});
