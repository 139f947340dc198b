import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalIndex } from '../../../cli/sync/local-index';
import { scanFolder } from '../../../cli/sync/scan';
import { syncFile } from '../../../cli/sync/sync-file';
import type { Transfer } from '../../../cli/sync/transfer';
import { type DataBucket, s3Objects } from '../../../services/kit/ports/objects';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { EventLog, writeTree } from '../../support/push-fixtures';

const MiB = 1024 * 1024;

describe('one file, changed or cut off while it uploads', () => {
  let test: TestCloud;
  let s3: S3Client;
  let objects: DataBucket;
  let log: EventLog;
  let home: string;
  let folder: string;
  let prefix: string;
  let n = 0;
  /** S3 commands the client sent, by name. */
  const commands: string[] = [];

  beforeAll(async () => {
    test = await startTestCloud({ services: [] });
    s3 = test.cloud.s3();
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    objects = s3Objects(s3, test.cloud.bucket);
    log = new EventLog(test.cloud);
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-sync-file-'));
  });
  afterAll(async () => {
    s3.destroy();
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });
  beforeEach(() => {
    n += 1;
    folder = path.join(home, `data-${n}`);
    prefix = `users/ada/datasets/data-${n}/`;
    commands.length = 0;
  });

  /** A transfer whose every request first runs `before` (where a test changes the file). */
  function transfer(
    options: { before?: (request: number) => void; signal?: AbortSignal; concurrency?: number } = {},
  ) {
    const limit = pLimit(options.concurrency ?? 4);
    let requests = 0;
    const index = LocalIndex.open(path.join(home, `index-${n}.json`), {
      root: folder,
      endpoint: test.cloud.endpoint,
      bucket: test.cloud.bucket,
      prefix,
    });
    const bytes: number[] = [];
    const value: Transfer = {
      objects,
      prefix,
      requests: (task) => {
        options.before?.(++requests);
        return limit(task);
      },
      index,
      signal: options.signal ?? new AbortController().signal,
      partSize: 8 * MiB,
      onBytes: (b) => bytes.push(b),
    };
    return { transfer: value, index, bytes };
  }

  async function content(key: string): Promise<Buffer> {
    const object = await s3.send(new GetObjectCommand({ Bucket: test.cloud.bucket, Key: prefix + key }));
    return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
  }

  const upload = async (file: string) => {
    const local = (await scanFolder(folder)).files.find((f) => f.path === file);
    if (!local) throw new Error(`${file} is not in ${folder}`);
    return { kind: 'upload' as const, file: local };
  };

  it('sends a file again when it changed during its upload, so the object holds what the disk now holds', async () => {
    // Prepare
    writeTree(folder, { 'log.txt': 'first line\n' });
    const file = path.join(folder, 'log.txt');
    const { transfer: t, index } = transfer({
      before: (i) => i === 1 && appendFileSync(file, 'second line\n'),
    });
    const from = log.events.length;

    // Act
    const outcome = await syncFile(t, await upload('log.txt'));
    index.close();
    await log.settle();

    // Assess
    expect(outcome).toBe('sent');
    expect(log.created(prefix, from)).toEqual([`${prefix}log.txt`, `${prefix}log.txt`]);
    expect((await content('log.txt')).toString()).toBe('first line\nsecond line\n');
    expect(index.get('log.txt')?.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
  });

  it('reports a file that keeps changing instead of recording it', async () => {
    // Prepare
    writeTree(folder, { 'live.log': 'start\n' });
    const file = path.join(folder, 'live.log');
    const { transfer: t, index } = transfer({ before: () => appendFileSync(file, 'more\n') });

    // Act
    const outcome = await syncFile(t, await upload('live.log'));
    index.close();

    // Assess
    expect(outcome).toBe('unstable');
    expect(index.get('live.log')).toBeUndefined();
  });

  it('notices a large file changing between its hash and its parts, and sends the new content', async () => {
    // Prepare
    writeTree(folder, { 'big.bin': 12 * MiB });
    const file = path.join(folder, 'big.bin');
    const overwrite = () => {
      const fd = openSync(file, 'r+');
      writeSync(fd, 'changed', 100);
      closeSync(fd);
    };
    const { transfer: t, index } = transfer({ before: (i) => i === 1 && overwrite() });

    // Act
    const outcome = await syncFile(t, await upload('big.bin'));
    index.close();

    // Assess
    expect(outcome).toBe('sent');
    expect(commands.filter((c) => c === 'AbortMultipartUploadCommand')).toHaveLength(1);
    const sent = await content('big.bin');
    expect(sent.subarray(100, 107).toString()).toBe('changed');
    expect(createHash('sha256').update(sent).digest('hex')).toBe(
      createHash('sha256').update(readFileSync(file)).digest('hex'),
    );
  });

  it('resumes an interrupted large upload with the parts S3 did not confirm', async () => {
    // Prepare: parts one at a time, interrupted once the first is confirmed
    writeTree(folder, { 'big.bin': 20 * MiB });
    const stop = new AbortController();
    const first = transfer({ signal: stop.signal, concurrency: 1 });
    const interrupted = { ...first.transfer, onBytes: () => stop.abort(new Error('Ctrl-C')) };
    await expect(syncFile(interrupted, await upload('big.bin'))).rejects.toThrow('Ctrl-C');
    first.index.close();
    commands.length = 0;

    // Act
    const again = transfer();
    const outcome = await syncFile(again.transfer, await upload('big.bin'));
    again.index.close();

    // Assess
    expect(outcome).toBe('sent');
    expect(commands.filter((c) => c === 'CreateMultipartUploadCommand')).toEqual([]);
    expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(2);
    expect(
      createHash('sha256')
        .update(await content('big.bin'))
        .digest('hex'),
    ).toBe(
      createHash('sha256')
        .update(readFileSync(path.join(folder, 'big.bin')))
        .digest('hex'),
    );
  });
});
