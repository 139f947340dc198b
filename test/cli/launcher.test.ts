import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { KISMO_BIN, runKismo } from '../support/cli-process';
import { runProcess } from '../support/run-process';

const REPO = path.resolve(import.meta.dirname, '../..');

/** The machine's own Node, where it is older than the CLI needs (Debian's 20 on the CI machine). */
const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find(
  (node) =>
    existsSync(node) &&
    /^v(1\d|2[01]|22\.([0-9]|1[01]))\./.test(spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout),
);

describe('the kismo command', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-launcher-'));
  });
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('prints its version from the bundle, and from the sources through `npm run kismo`', async () => {
    // Act
    const bundled = await runKismo(['--version'], {});
    const fromSources = await runProcess('npm', ['run', '-s', 'kismo', '--', '--version'], {
      cwd: REPO,
      env: process.env,
      timeoutMs: 60_000,
    });

    // Assess
    expect(bundled.stdout.trim()).toBe(packageJson.version);
    expect(fromSources.stdout.trim()).toBe(packageJson.version);
  });

  it('runs from a copy of its two files alone: the bundle needs no node_modules', async () => {
    // Prepare: the package's bin and bundle, as `npm pack` ships them, away from the repository.
    const copy = path.join(home, 'copy');
    mkdirSync(path.join(copy, 'cli', 'bin'), { recursive: true });
    mkdirSync(path.join(copy, 'cli', 'dist'), { recursive: true });
    copyFileSync(KISMO_BIN, path.join(copy, 'cli', 'bin', 'kismo.cjs'));
    copyFileSync(path.join(REPO, 'cli/dist/kismo.cjs'), path.join(copy, 'cli', 'dist', 'kismo.cjs'));

    // Act
    const run = await runProcess(process.execPath, [path.join(copy, 'cli/bin/kismo.cjs'), 'push', '--help'], {
      cwd: home,
    });

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: kismo push \[options\] <dir>/);
  });

  it.runIf(oldNode)('runs on the Node a checkout pins when started by an older one (npm link)', async () => {
    // Act
    const run = await runProcess(oldNode as string, [KISMO_BIN, '--version']);

    // Assess
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(packageJson.version);
  });

  it.runIf(oldNode)(
    'says which Node it needs, and that the single executable needs none, elsewhere',
    async () => {
      // Prepare: an installed package, with no pinned Node beside it.
      const installed = path.join(home, 'installed', 'cli', 'bin');
      mkdirSync(installed, { recursive: true });
      copyFileSync(KISMO_BIN, path.join(installed, 'kismo.cjs'));

      // Act
      const run = await runProcess(oldNode as string, [path.join(installed, 'kismo.cjs'), '--version']);

      // Assess
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(
        /^kismo: NODE_TOO_OLD: kismo needs Node 22\.12 or later, and this is v\d+\S*: install Node 22 .*single executable.*needs no Node\n$/,
      );
    },
  );
});
