import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetDigest } from '../../../contracts/dataset-digest';
import { sessionManifestSchema } from '../../../contracts/manifest';
import { KISMO_BIN, runKismo } from '../../support/cli-process';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { EventLog, localUserHome, manyFiles, writeTree } from '../../support/push-fixtures';

describe('kismo push, the real CLI against the local cloud', () => {
  let test: TestCloud;
  let log: EventLog;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    test = await startTestCloud({ services: [] });
    log = new EventLog(test.cloud);
    ({ home, env } = localUserHome(test.cloud, 'push-cli', { CI: '1' }));
  });
  afterAll(async () => {
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const jsonLines = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));

  it('sends every file, then writes the manifest last; --json ends with the result', async () => {
    // Prepare
    const folder = path.join(home, 'first');
    writeTree(folder, { ...manyFiles(40, 2048), 'labels/classes.txt': 'cat\ndog\n' });
    const from = log.events.length;

    // Act
    const run = await runKismo(['push', folder, '-t', 'g4dn.xlarge', '--no-wait', '--json'], env);
    await log.settle();

    // Assess
    expect(run.stderr).toContain('g4dn.xlarge costs $0.526/h');
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    const result = lines.at(-1);
    expect(result).toMatchObject({
      event: 'result',
      owner: 'ada',
      dataset: { name: 'first', prefix: 'users/ada/datasets/first/', files: 41, bytes: 40 * 2048 + 8 },
      uploaded: 41,
      skipped: 0,
      deleted: 0,
    });
    expect(result.sessionId).toMatch(/^\d{8}-\d{6}-[0-9a-z]{6}$/);
    expect(lines[0]).toMatchObject({ event: 'plan', files: 41 });
    const written = log.created('users/ada/', from);
    // The 41 files, the dataset's sync record once they are all in place, the session's pins, and
    // the manifest last.
    expect(written).toHaveLength(44);
    expect(written.at(-3)).toBe('users/ada/sync/first.json');
    expect(written.at(-2)).toBe(`users/ada/sessions/${result.sessionId}/dataset.tsv`);
    expect(written.at(-1)).toBe(`users/ada/sessions/${result.sessionId}/manifest.json`);
    const s3 = test.cloud.s3();
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: test.cloud.bucket, Prefix: 'users/ada/' }),
    );
    const time = (key: string) =>
      listed.Contents?.find((o) => o.Key === key)?.LastModified?.getTime() ?? Number.NaN;
    const manifestTime = time(written.at(-1) ?? '');
    expect(written.slice(0, -1).every((key) => time(key) <= manifestTime)).toBe(true);
    const object = await s3.send(new GetObjectCommand({ Bucket: test.cloud.bucket, Key: written.at(-1) }));
    const manifest = sessionManifestSchema.parse(JSON.parse((await object.Body?.transformToString()) ?? ''));
    s3.destroy();
    const local = ['labels/classes.txt', ...Object.keys(manyFiles(40, 2048))].map((p) => {
      const bytes = readFileSync(path.join(folder, p));
      return { path: p, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    });
    expect(manifest).toMatchObject({
      owner: 'ada',
      sessionId: result.sessionId,
      instanceType: 'g4dn.xlarge',
      dataset: { files: 41, digest: datasetDigest(local) },
    });
  });

  it('stops cleanly on Ctrl-C: exit 130, no manifest, and the rerun sends the rest', async () => {
    // Prepare
    const folder = path.join(home, 'interrupted');
    writeTree(folder, manyFiles(150, 4096));
    const prefix = 'users/ada/datasets/interrupted/';
    const from = log.events.length;
    const child = spawn(
      process.execPath,
      [KISMO_BIN, 'push', folder, '-t', 'g4dn.xlarge', '--no-wait', '--concurrency', '2'],
      {
        env: { ...process.env, ...env },
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    let seen = 0;
    const stopTap = test.cloud.tap((event) => {
      const key = (event.detail as { object?: { key?: string } }).object?.key ?? '';
      if (event['detail-type'] === 'Object Created' && key.startsWith(prefix) && ++seen === 20)
        child.kill('SIGINT');
    });

    // Act
    const code = await new Promise<number | null>((resolve) => child.on('close', (exit) => resolve(exit)));
    stopTap();
    const middle = await log.settle();
    const rerun = await runKismo(['push', folder, '-t', 'g4dn.xlarge', '--no-wait', '--json'], env);
    await log.settle();

    // Assess
    expect(code).toBe(130);
    expect(stderr).toMatch(/INTERRUPTED: push interrupted: nothing was launched; run the same command again/);
    expect(log.created('users/ada/sessions/', from, middle)).toEqual([]);
    const first = log.created(prefix, from, middle);
    expect(first.length).toBeLessThan(150);
    expect(rerun.code).toBe(0);
    expect(jsonLines(rerun.stdout).at(-1)).toMatchObject({
      uploaded: 150 - first.length,
      skipped: first.length,
    });
  });

  it('resumes a killed push: sends only what is missing, and the manifest once, at the end', async () => {
    // Prepare
    const folder = path.join(home, 'killed');
    writeTree(folder, manyFiles(200, 8192));
    const prefix = 'users/ada/datasets/killed/';
    const from = log.events.length;
    const child = spawn(
      process.execPath,
      [KISMO_BIN, 'push', folder, '-t', 'g4dn.xlarge', '--no-wait', '--concurrency', '2'],
      {
        env: { ...process.env, ...env },
        stdio: 'ignore',
      },
    );
    // Killed part of the way: most of what it sent is in its journal, the last few only in the bucket.
    let seen = 0;
    const stopTap = test.cloud.tap((event) => {
      const key = (event.detail as { object?: { key?: string } }).object?.key ?? '';
      if (event['detail-type'] === 'Object Created' && key.startsWith(prefix) && ++seen === 100)
        child.kill('SIGKILL');
    });

    // Act
    const killed = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('close', (_, signal) => resolve(signal)),
    );
    stopTap();
    const middle = await log.settle();
    const firstRun = log.created(prefix, from);
    const rerun = await runKismo(['push', folder, '-t', 'g4dn.xlarge', '--no-wait', '--json'], env);
    const end = await log.settle();
    const secondRun = log.created(prefix, middle);
    const again = await runKismo(['push', folder, '-t', 'g4dn.xlarge', '--no-wait', '--json'], env);
    await log.settle();

    // Assess
    expect(killed).toBe('SIGKILL');
    expect(firstRun.length).toBeGreaterThanOrEqual(60);
    expect(firstRun.length).toBeLessThan(200);
    expect(log.created('users/ada/sessions/', from, middle)).toEqual([]);
    expect(rerun.code).toBe(0);
    expect(secondRun.filter((key) => firstRun.includes(key))).toEqual([]);
    expect(new Set([...firstRun, ...secondRun]).size).toBe(200);
    expect(jsonLines(rerun.stdout).at(-1)).toMatchObject({
      uploaded: secondRun.length,
      skipped: firstRun.length,
    });
    const manifests = log
      .created('users/ada/sessions/', middle, end)
      .filter((k) => k.endsWith('/manifest.json'));
    expect(manifests).toHaveLength(1);
    expect(log.created('users/ada/', middle, end).at(-1)).toBe(manifests[0]);
    expect(again.code).toBe(0);
    expect(log.created(prefix, end)).toEqual([]);
    expect(jsonLines(again.stdout).at(-1)).toMatchObject({ uploaded: 0, skipped: 200 });
  });
});
