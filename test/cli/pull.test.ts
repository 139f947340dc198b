import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pull } from '../../cli/commands/pull';
import { createProgress } from '../../cli/sync/progress';
import { PULL_STATE, pullFolder } from '../../cli/sync/pull';
import { sessionKey } from '../../contracts/manifest';
import { type DataBucket, s3Objects } from '../../services/kit/ports/objects';
import { startTestCloud, type TestCloud } from '../support/local-cloud';
import { localUserHome } from '../support/push-fixtures';
import { recordingIo } from '../support/recording-io';

const SESSION = '20261130-010000-pull01';
const EMPTY = '20261130-010000-empty1';
const OUTPUTS = sessionKey('ada', SESSION, 'outputs/');

describe('kismo pull', () => {
  let test: TestCloud;
  let home: string;
  const saved = { ...process.env };
  const big = randomBytes(3 * 1024 * 1024 + 17);
  const globals = { json: true, debug: false };
  let n = 0;
  const folder = () => path.join(home, `pulled-${++n}`);

  beforeAll(async () => {
    test = await startTestCloud({ services: [] });
    const user = localUserHome(test.cloud, 'pull', { CI: '1' });
    home = user.home;
    Object.assign(process.env, user.env);
    const s3 = test.cloud.s3();
    for (const [key, body] of [
      [`${OUTPUTS}model.pt`, big],
      [`${OUTPUTS}logs/train.log`, 'epoch 1\nepoch 2\n'],
      [`${OUTPUTS}metrics.json`, '{"loss":0.1}'],
      [sessionKey('ada', EMPTY, 'manifest.json'), '{}'],
    ] as const) {
      await s3.send(new PutObjectCommand({ Bucket: test.cloud.bucket, Key: key, Body: body }));
    }
    s3.destroy();
  });
  afterAll(async () => {
    process.env = saved;
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('downloads every output with its path, then fetches nothing the second time', async () => {
    // Prepare
    const dir = folder();
    const first = recordingIo(process.env);
    const second = recordingIo(process.env);

    // Act
    await pull(SESSION, dir, { concurrency: 4 }, globals, first.io);
    await pull(SESSION, dir, { concurrency: 4 }, globals, second.io);

    // Assess
    expect(readFileSync(path.join(dir, 'model.pt')).equals(big)).toBe(true);
    expect(readFileSync(path.join(dir, 'logs/train.log'), 'utf8')).toBe('epoch 1\nepoch 2\n');
    expect(readFileSync(path.join(dir, 'metrics.json'), 'utf8')).toBe('{"loss":0.1}');
    const last = (printed: string) => JSON.parse(printed.trim().split('\n').at(-1) ?? '{}');
    expect(last(first.printed.stdout)).toMatchObject({ event: 'pulled', files: 3, fetched: 3, unchanged: 0 });
    expect(last(second.printed.stdout)).toMatchObject({
      event: 'pulled',
      files: 3,
      fetched: 0,
      unchanged: 3,
    });
  });

  it('resumes an interrupted file where it stopped, if the object is still the same', async () => {
    // Prepare
    const dir = folder();
    await pull(SESSION, dir, { concurrency: 4 }, globals, recordingIo(process.env).io);
    const state = JSON.parse(readFileSync(path.join(dir, PULL_STATE), 'utf8'));
    // As an interruption leaves it: a third of model.pt beside its name, recorded as begun.
    rmSync(path.join(dir, 'model.pt'));
    writeFileSync(path.join(dir, 'model.pt.kismo-partial'), big.subarray(0, 1024 * 1024));
    state.partial['model.pt'] = state.done['model.pt'];
    delete state.done['model.pt'];
    writeFileSync(path.join(dir, PULL_STATE), JSON.stringify(state));
    const asked: { key: string; from?: number }[] = [];
    const objects = watched(s3Objects(test.cloud.s3(), test.cloud.bucket), asked);

    // Act
    const pulled = await pullQuietly(objects, dir);

    // Assess
    expect(pulled).toMatchObject({ fetched: 1, unchanged: 2 });
    expect(asked).toEqual([{ key: `${OUTPUTS}model.pt`, from: 1024 * 1024 }]);
    expect(readFileSync(path.join(dir, 'model.pt')).equals(big)).toBe(true);
    expect(existsSync(path.join(dir, 'model.pt.kismo-partial'))).toBe(false);
  });

  it('starts a file over when the object changed since its partial began', async () => {
    // Prepare
    const dir = folder();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'metrics.json.kismo-partial'), '{"loss":9');
    writeFileSync(
      path.join(dir, PULL_STATE),
      JSON.stringify({ prefix: OUTPUTS, done: {}, partial: { 'metrics.json': 'an-older-etag' } }),
    );

    // Act
    await pull(SESSION, dir, { concurrency: 4 }, globals, recordingIo(process.env).io);

    // Assess
    expect(readFileSync(path.join(dir, 'metrics.json'), 'utf8')).toBe('{"loss":0.1}');
  });

  it('refuses a key that would land outside the folder, and writes nothing', async () => {
    // Prepare
    const dir = folder();
    const objects = {
      async *list() {
        yield { key: `${OUTPUTS}../../../.bashrc`, size: 3, etag: '"x"' };
      },
      download: async () => undefined,
    } as unknown as Pick<DataBucket, 'list' | 'download'>;

    // Act
    const pulling = pullQuietly(objects, dir);

    // Assess
    await expect(pulling).rejects.toMatchObject({ code: 'UNSAFE_OUTPUT_KEY' });
    expect(existsSync(dir)).toBe(false);
  });

  it('says when a session has no outputs yet, and when there is no such session of yours', async () => {
    // Act
    const none = pull(EMPTY, folder(), { concurrency: 4 }, globals, recordingIo(process.env).io);
    const unknown = pull(
      '20261130-010000-nosuch',
      folder(),
      { concurrency: 4 },
      globals,
      recordingIo(process.env).io,
    );

    // Assess
    await expect(none).rejects.toMatchObject({
      code: 'NO_OUTPUTS',
      message: expect.stringMatching(/--run ends/),
    });
    await expect(unknown).rejects.toMatchObject({ code: 'UNKNOWN_SESSION' });
  });
});

/** The bucket, noting each download asked of it. */
function watched(
  objects: DataBucket,
  asked: { key: string; from?: number }[],
): Pick<DataBucket, 'list' | 'download'> {
  return {
    list: (prefix, options) => objects.list(prefix, options),
    download: (key, options) => {
      asked.push({ key, ...(options?.from ? { from: options.from } : {}) });
      return objects.download(key, options);
    },
  };
}

/** The pull engine on `objects` into `dir`, showing nothing. */
async function pullQuietly(objects: Pick<DataBucket, 'list' | 'download'>, dir: string) {
  return pullFolder({
    objects,
    prefix: OUTPUTS,
    dir,
    concurrency: 2,
    signal: new AbortController().signal,
    progress: await createProgress('silent', { stdout: process.stdout, stderr: process.stderr }),
  });
}
