import { rmSync } from 'node:fs';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionKey } from '../../../contracts/manifest';
import type { SessionState } from '../../../contracts/session-status';
import { runKismo } from '../../support/cli-process';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { localUserHome, writeTree } from '../../support/push-fixtures';

describe('kismo push --wait', () => {
  let test: TestCloud;
  let home: string;
  let env: NodeJS.ProcessEnv;
  /** Plays the session journal: the states to write, in order, once a manifest appears. */
  let journal: { state: SessionState; extra?: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    test = await startTestCloud({ services: [] });
    ({ home, env } = localUserHome(test.cloud, 'push-wait', { CI: '1' }));
    test.cloud.tap((event) => {
      const key = (event.detail as { object?: { key?: string } }).object?.key ?? '';
      const match = /^users\/ada\/sessions\/([^/]+)\/manifest\.json$/.exec(key);
      if (event['detail-type'] === 'Object Created' && match?.[1]) void play(match[1]);
    });
  });
  afterAll(async () => {
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });

  async function play(sessionId: string) {
    const s3 = test.cloud.s3();
    for (const { state, extra } of journal) {
      const status = {
        schemaVersion: 1,
        owner: 'ada',
        sessionId,
        state,
        updatedAt: new Date().toISOString(),
        timeline: [],
        ...extra,
      };
      await s3.send(
        new PutObjectCommand({
          Bucket: test.cloud.bucket,
          Key: sessionKey('ada', sessionId, 'status.json'),
          Body: JSON.stringify(status),
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    s3.destroy();
  }

  const push = (name: string, ...flags: string[]) => {
    const folder = path.join(home, name);
    writeTree(folder, { 'train.csv': 'x,y\n1,2\n' });
    return runKismo(['push', folder, '-t', 'g4dn.xlarge', '--json', ...flags], env);
  };

  it('follows the session until it is ready and ends with how to connect', async () => {
    // Prepare
    journal = [
      { state: 'launching' },
      { state: 'ready', extra: { connect: 'ssh ubuntu@10.0.1.17', address: '10.0.1.17' } },
    ];

    // Act
    const run = await push('ready', '--wait');

    // Assess
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.filter((l) => l.event === 'status').at(-1)).toMatchObject({ state: 'ready' });
    expect(lines.at(-1)).toMatchObject({
      event: 'result',
      session: { state: 'ready', connect: 'ssh ubuntu@10.0.1.17', address: '10.0.1.17' },
    });
  });

  it('exits non-zero when the session failed, saying why', async () => {
    // Prepare
    journal = [{ state: 'failed', extra: { reason: 'no capacity for g4dn.xlarge in any subnet' } }];

    // Act
    const run = await runKismo(
      ['push', path.join(home, 'ready'), '-t', 'g4dn.xlarge', '--name', 'failed', '--wait'],
      env,
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('kismo push: session failed: no capacity for g4dn.xlarge in any subnet');
    expect(run.stdout).toMatch(/^session \d{8}-\d{6}-[0-9a-z]{6} requested: g4dn\.xlarge/);
  });

  it('with --run, waits for the run to end and exits with its code', async () => {
    // Prepare
    journal = [
      { state: 'launching' },
      { state: 'ready' },
      { state: 'finished', extra: { exitCode: 2, reason: 'the run exited with 2' } },
    ];

    // Act
    const run = await push('run-fails', '--run', 'python train.py', '--wait');

    // Assess
    expect(run.code).toBe(2);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.at(-1)).toMatchObject({ event: 'result', session: { state: 'finished', exitCode: 2 } });
  });

  it('with --run, exits 255 when the session failed before the run could end', async () => {
    // Prepare
    journal = [{ state: 'launching' }, { state: 'failed', extra: { reason: 'the boot failed' } }];

    // Act
    const run = await push('run-never', '--run', 'python train.py', '--wait');

    // Assess
    expect(run.code).toBe(255);
  });

  it('off a terminal, waits until the launch is accepted or refused, and says which by its exit code', async () => {
    // Prepare
    journal = [{ state: 'failed', extra: { reason: 'owner-quota: 2 instances running' } }];

    // Act
    const refused = await push('refused');
    journal = [{ state: 'launching' }, { state: 'ready' }];
    const accepted = await push('accepted');

    // Assess
    expect(refused.code).toBe(1);
    const last = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(last(refused.stdout)).toMatchObject({ event: 'result', session: { state: 'failed' } });
    expect(accepted.code).toBe(0);
    expect(last(accepted.stdout)).toMatchObject({ event: 'result', session: { state: 'launching' } });
  });

  it('with --no-wait, ends once the manifest is written', async () => {
    // Prepare
    journal = [];

    // Act
    const run = await runKismo(
      ['push', path.join(home, 'ready'), '-t', 'g4dn.xlarge', '--name', 'no-wait', '--no-wait', '--json'],
      env,
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/waiting for session/);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}')).not.toHaveProperty('session');
  });

  it('says the push is done when no session journal answers', async () => {
    // Prepare
    journal = [];

    // Act
    const run = await runKismo(
      ['push', path.join(home, 'ready'), '-t', 'g4dn.xlarge', '--name', 'quiet', '--wait'],
      { ...env, KISMO_WAIT_APPEAR_MS: '300' },
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /no session journal reported on this session yet, so there is nothing to follow: the push is done/,
    );
    expect(run.stdout).toMatch(/^session \d{8}-\d{6}-[0-9a-z]{6} requested: g4dn\.xlarge/);
  });
});
