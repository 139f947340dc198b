// bootstrap.sh for real: rendered, run by bash with the Debian AWS CLI against the local cloud's
// S3, with stubs only for what needs a GPU instance (nvidia-smi, systemctl, shutdown, IMDS).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type PinnedFile, renderPins } from '../../contracts/dataset-pins';
import { sessionKey } from '../../contracts/manifest';
import { failedMarkerSchema, finishedMarkerSchema, readyMarkerSchema } from '../../contracts/markers';
import { renderUserData } from '../../userdata/render';
import { OWNER, SESSION_ID } from '../factories/events';
import { describeFiles, SAMPLE_FILES, userDataValues } from '../factories/manifest';
import { startTestCloud, type TestCloud } from '../support/local-cloud';
import { findAwsCliV2, makeSandbox, runScript, type Sandbox, useRealAws } from './support/sandbox';

const aws = findAwsCliV2();
let test: TestCloud;
let s3: S3Client;
const sandboxes: Sandbox[] = [];

async function upload(prefix: string, files: Readonly<Record<string, Uint8Array>>): Promise<void> {
  for (const [name, body] of Object.entries(files)) {
    await s3.send(new PutObjectCommand({ Bucket: test.cloud.bucket, Key: `${prefix}${name}`, Body: body }));
  }
}

async function read(key: string): Promise<string | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: test.cloud.bucket, Key: key }));
    return await object.Body?.transformToString();
  } catch {
    return undefined;
  }
}

function sandboxWithRealAws(): Sandbox {
  const sandbox = makeSandbox({ stubAws: false });
  useRealAws(sandbox, aws);
  sandboxes.push(sandbox);
  return sandbox;
}

/** The environment the script gets off EC2: the local S3, its credentials, a sandboxed instance. */
function cloudEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    KISMO_S3_ENDPOINT: test.cloud.endpoint,
    AWS_ACCESS_KEY_ID: test.cloud.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: test.cloud.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: test.cloud.region,
    ...extra,
  };
}

/** The pins of files as uploaded: each with the ETag its object has now. */
async function pinsOf(prefix: string, files: Readonly<Record<string, Uint8Array>>): Promise<PinnedFile[]> {
  const pins: PinnedFile[] = [];
  for (const [file, body] of Object.entries(files)) {
    const head = await s3.send(new HeadObjectCommand({ Bucket: test.cloud.bucket, Key: `${prefix}${file}` }));
    pins.push({
      path: file,
      size: body.byteLength,
      etag: (head.ETag ?? '').replaceAll('"', ''),
      sha256: createHash('sha256').update(body).digest('hex'),
    });
  }
  return pins;
}

function values(name: string, overrides: Parameters<typeof userDataValues>[0] = {}) {
  return userDataValues({
    bucket: test.cloud.bucket,
    region: test.cloud.region,
    dataset: { name, prefix: `users/${OWNER}/datasets/${name}/`, ...describeFiles(SAMPLE_FILES) },
    ...overrides,
  });
}

beforeAll(async () => {
  test = await startTestCloud();
  s3 = test.cloud.s3();
  await upload(`users/${OWNER}/datasets/sample/`, SAMPLE_FILES);
});

afterAll(async () => {
  for (const sandbox of sandboxes) sandbox.remove();
  s3.destroy();
  await test.stop();
});

// Each test has its own sandbox and session, and most of the time goes to the CLI starting up.
describe.concurrent('bootstrap.sh with the real AWS CLI', () => {
  it('downloads the dataset byte for byte, checks it, installs the reporter and writes ready.json', async ({
    expect,
  }) => {
    // Prepare
    const sandbox = sandboxWithRealAws();
    const script = renderUserData(values('sample'));

    // Act
    const result = await runScript(sandbox, script, cloudEnv());

    // Assess
    expect(result.code, result.output).toBe(0);
    for (const [name, body] of Object.entries(SAMPLE_FILES)) {
      expect(readFileSync(path.join(sandbox.dataRoot, 'sample', name))).toEqual(Buffer.from(body));
    }
    const ready = readyMarkerSchema.parse(
      JSON.parse((await read(sessionKey(OWNER, SESSION_ID, 'ready.json'))) ?? ''),
    );
    const { files, bytes } = describeFiles(SAMPLE_FILES);
    expect(ready).toMatchObject({
      instanceId: 'i-0123456789abcdef0',
      files,
      bytes,
      dataPath: path.join(sandbox.dataRoot, 'sample'),
    });
    expect(sandbox.calls('systemctl')).toEqual(['daemon-reload', 'enable --now kismo-activity.timer']);
    expect(existsSync(path.join(sandbox.root, 'usr/local/bin/kismo-activity-reporter'))).toBe(true);
    expect(
      readFileSync(path.join(sandbox.root, 'etc/systemd/system/kismo-activity.timer'), 'utf8'),
    ).toContain('OnUnitActiveSec=5min');
    expect(result.output).toContain('S3 transfers use the classic client');
  });

  it.for([
    [
      'a file missing',
      'fail01',
      { 'README.md': SAMPLE_FILES['README.md'] as Uint8Array },
      /3 files \(\d+ bytes\) expected, 1 files/,
    ],
    [
      'wrong bytes',
      'fail02',
      { ...SAMPLE_FILES, 'README.md': new TextEncoder().encode('# sample, changed\n') },
      /bytes\) expected, 3 files/,
    ],
    [
      'an extra file',
      'fail03',
      { ...SAMPLE_FILES, 'extra.txt': new TextEncoder().encode('x') },
      /expected, 4 files/,
    ],
  ] as const)(
    'writes failed.json with the reason and the log tail for a dataset with %s',
    async ([, suffix, files, reason], { expect }) => {
      // Prepare
      const name = `broken-${suffix}`;
      const sessionId = `20261128-153000-${suffix}`;
      await upload(`users/${OWNER}/datasets/${name}/`, files);
      const sandbox = sandboxWithRealAws();
      const script = renderUserData(values(name, { sessionId }));

      // Act
      const result = await runScript(sandbox, script, cloudEnv());

      // Assess
      expect(result.code).toBe(1);
      const failed = failedMarkerSchema.parse(
        JSON.parse((await read(sessionKey(OWNER, sessionId, 'failed.json'))) ?? ''),
      );
      expect(failed.reason).toMatch(/^dataset check: /);
      expect(failed.reason).toMatch(reason);
      expect(failed.logTail).toContain(
        `downloading s3://${test.cloud.bucket}/users/${OWNER}/datasets/${name}/`,
      );
      expect(await read(sessionKey(OWNER, sessionId, 'ready.json'))).toBeUndefined();
    },
  );

  it('gets the files pushed for a pinned session, though the dataset was pushed again before it booted', async ({
    expect,
  }) => {
    // Prepare: the session's push, its pins; then another push changes a file, deletes one, adds one
    const name = 'pinned';
    const sessionId = '20261128-153000-pin001';
    const prefix = `users/${OWNER}/datasets/${name}/`;
    await upload(prefix, SAMPLE_FILES);
    const pins = await pinsOf(prefix, SAMPLE_FILES);
    await upload(`users/${OWNER}/sessions/${sessionId}/`, {
      'dataset.tsv': new TextEncoder().encode(renderPins(pins)),
    });
    await upload(prefix, {
      'README.md': new TextEncoder().encode('# pushed again, longer\n'),
      'added later.txt': new TextEncoder().encode('not this session’s'),
    });
    await s3.send(new DeleteObjectCommand({ Bucket: test.cloud.bucket, Key: `${prefix}labels/train.csv` }));
    const sandbox = sandboxWithRealAws();
    const script = renderUserData(
      values(name, { sessionId, dataset: { ...values(name).dataset, pinned: true } }),
    );

    // Act
    const result = await runScript(sandbox, script, cloudEnv());

    // Assess
    expect(result.code, result.output).toBe(0);
    for (const [file, body] of Object.entries(SAMPLE_FILES)) {
      expect(readFileSync(path.join(sandbox.dataRoot, name, file)), file).toEqual(Buffer.from(body));
    }
    expect(existsSync(path.join(sandbox.dataRoot, name, 'added later.txt'))).toBe(false);
    expect(result.output).toContain('2 files come from its versions');
    expect(await read(sessionKey(OWNER, sessionId, 'ready.json'))).toBeDefined();
  });

  it('fails a pinned session whose pushed version is no longer in the bucket, and says so', async ({
    expect,
  }) => {
    // Prepare: pins naming content the bucket never held
    const name = 'pinned-gone';
    const sessionId = '20261128-153000-pin002';
    const prefix = `users/${OWNER}/datasets/${name}/`;
    await upload(prefix, SAMPLE_FILES);
    const pins = (await pinsOf(prefix, SAMPLE_FILES)).map((p) =>
      p.path === 'README.md' ? { ...p, etag: '0'.repeat(32) } : p,
    );
    await upload(`users/${OWNER}/sessions/${sessionId}/`, {
      'dataset.tsv': new TextEncoder().encode(renderPins(pins)),
    });
    const sandbox = sandboxWithRealAws();
    const script = renderUserData(
      values(name, { sessionId, dataset: { ...values(name).dataset, pinned: true } }),
    );

    // Act
    const result = await runScript(sandbox, script, cloudEnv());

    // Assess
    expect(result.code).toBe(1);
    const failed = failedMarkerSchema.parse(
      JSON.parse((await read(sessionKey(OWNER, sessionId, 'failed.json'))) ?? ''),
    );
    expect(failed.reason).toBe(
      'dataset check: README.md as pushed for this session is no longer in the bucket (its old version expired): push again',
    );
  });

  it('falls back to the classic transfer client when the CRT client fails, and still gets the data', async ({
    expect,
  }) => {
    // Prepare: CLI 2.9's CRT client cannot reach a custom endpoint, so forcing it makes it fail for real.
    const sandbox = sandboxWithRealAws();
    const script = renderUserData(values('sample', { sessionId: '20261128-153000-crt001' }));

    // Act
    const result = await runScript(sandbox, script, cloudEnv({ KISMO_TRANSFER_CLIENT: 'crt' }));

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('the CRT transfer client failed: retrying with the classic client');
    expect(readFileSync(path.join(sandbox.dataRoot, 'sample', 'images/cat 1.bin'))).toEqual(
      Buffer.from(SAMPLE_FILES['images/cat 1.bin'] as Uint8Array),
    );
    expect(await read(sessionKey(OWNER, '20261128-153000-crt001', 'ready.json'))).toBeDefined();
  });

  it('runs the command in the dataset folder, uploads its outputs, writes finished.json and shuts down', async ({
    expect,
  }) => {
    // Prepare
    const sandbox = sandboxWithRealAws();
    const sessionId = '20261128-153000-run001';
    const run = 'mkdir -p results && wc -c labels/train.csv > results/count.txt && echo "it\'s done"';
    const script = renderUserData(
      values('sample', { sessionId, run, outputs: 'results', afterRun: 'terminate' }),
    );

    // Act
    const result = await runScript(sandbox, script, cloudEnv({ KISMO_DRY_SHUTDOWN: '' }));

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("it's done");
    expect(await read(`users/${OWNER}/sessions/${sessionId}/outputs/count.txt`)).toBe(
      '21 labels/train.csv\n',
    );
    const finished = finishedMarkerSchema.parse(
      JSON.parse((await read(sessionKey(OWNER, sessionId, 'finished.json'))) ?? ''),
    );
    expect(finished).toMatchObject({
      exitCode: 0,
      outputsUploaded: true,
      outputsPrefix: `users/${OWNER}/sessions/${sessionId}/outputs/`,
      afterRun: 'terminate',
    });
    expect(sandbox.calls('shutdown')).toEqual(['-h now']);
  });
});
