// The flow a user runs, as separate processes: `kismo dev`, then `kismo push … --profile local`,
// then `kismo status --json` — the README's "try it by hand".
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKismo, startKismo, stopWith } from '../support/cli-process';

const DATA = path.resolve(import.meta.dirname, '../../examples/data');

function tree(root: string, dir = root): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? tree(root, full) : [path.relative(root, full)];
    })
    .sort();
}

describe('kismo on the local cloud, end to end', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let dev: Awaited<ReturnType<typeof startKismo>>;

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-e2e-'));
    env = {
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_STATE_HOME: path.join(home, 'state-home'),
      KISMO_OWNER: 'e2e',
      KISMO_PROFILE: '',
      CI: 'true',
    };
    dev = await startKismo(['dev', '--port', '0', '--state-dir', path.join(home, 'dev')], env, /ready/);
  });

  afterAll(async () => {
    await stopWith(dev.child, 'SIGINT');
    rmSync(home, { recursive: true, force: true });
  });

  it('pushes examples/data, waits until the instance is ready, and reports it with its sandbox', async () => {
    // Act
    const pushed = await runKismo(
      ['push', DATA, '-t', 'p3.2xlarge', '--profile', 'local', '--yes', '--wait', '--json'],
      env,
      60_000,
    );
    const result = JSON.parse(pushed.stdout.trim().split('\n').at(-1) ?? '{}');
    const status = await runKismo(['status', result.sessionId, '--profile', 'local', '--json'], env);
    const report = JSON.parse(status.stdout);

    // Assess
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(result).toMatchObject({ owner: 'e2e', dataset: { name: 'data', files: 5 } });
    expect(status.code, status.stderr).toBe(0);
    expect(report).toMatchObject({ state: 'ready', instanceType: 'p3.2xlarge' });
    expect(report.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(report.address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const copy = path.join(report.sandbox, 'data', 'data');
    expect(tree(copy)).toEqual(tree(DATA));
    for (const file of tree(DATA))
      expect(readFileSync(path.join(copy, file)).equals(readFileSync(path.join(DATA, file)))).toBe(true);
  });

  it('lists the session', async () => {
    // Act
    const listed = await runKismo(['ls', '--profile', 'local', '--json'], env);

    // Assess
    expect(listed.code, listed.stderr).toBe(0);
    const sessions = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ state: 'ready', instanceType: 'p3.2xlarge' });
  });
});
