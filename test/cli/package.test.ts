import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { startTestCloud, type TestCloud } from '../support/local-cloud';
import { listKeys, writeLocalProfile, writeTree } from '../support/push-fixtures';
import { runProcess } from '../support/run-process';

const REPO = path.resolve(import.meta.dirname, '../..');

/** Files real projects have: empty ones, nested folders, spaces and non-ASCII names. */
const AWKWARD = {
  'pkg/__init__.py': '',
  '.gitkeep': '',
  'train data/März Ü.csv': 'a,b\n1,2\n',
  'deep/er/still/日本語.txt': 'こんにちは\n',
  'notes with spaces.md': '# notes\n',
};

describe('kismo as a package: npm pack, npm install -g, and plain `kismo …` after it', () => {
  let test: TestCloud;
  let home: string;
  let tarball: string;
  let env: NodeJS.ProcessEnv;
  let kismo: string;

  beforeAll(async () => {
    test = await startTestCloud({ services: [] });
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-package-'));
    writeLocalProfile(path.join(home, 'config'), test.cloud);
    // Node 22 first on PATH, as on a machine where it is installed.
    env = {
      PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_STATE_HOME: path.join(home, 'state'),
      KISMO_OWNER: 'ada',
      KISMO_PROFILE: 'local',
      CI: '1',
    };
    const npm = (args: string[], cwd: string) =>
      execFileSync('npm', args, {
        cwd,
        encoding: 'utf8',
        // Not the npm_config_* of the `npm test` around us: a global install must not inherit them.
        env: { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_audit: 'false' },
      });
    const packed = npm(['pack', '--silent', '--pack-destination', home], REPO).trim().split('\n').at(-1);
    tarball = path.join(home, packed ?? '');
    mkdirSync(path.join(home, 'prefix'));
    npm(['install', '--global', '--offline', '--prefix', path.join(home, 'prefix'), tarball], home);
    kismo = path.join(home, 'prefix', 'bin', 'kismo');
  }, 120_000);
  afterAll(async () => {
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('packs the command and its bundle, and nothing else: no sources, no tests', () => {
    // Act
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();

    // Assess
    expect(files).toEqual([
      'package/README.md',
      'package/cli/bin/kismo.cjs',
      'package/cli/dist/kismo.cjs',
      'package/cli/dist/kismo.cjs.map',
      'package/package.json',
    ]);
  });

  it('ships none of the local cloud, nor its AGPL-licensed IAM evaluator: kismo dev says where it runs', async () => {
    // Prepare
    const installed = path.join(home, 'prefix', 'lib', 'node_modules', 'kismo');
    const { sources } = JSON.parse(
      readFileSync(path.join(installed, 'cli', 'dist', 'kismo.cjs.map'), 'utf8'),
    );

    // Act
    const run = await runProcess(kismo, ['dev', '--port', '0'], { env, cwd: home });

    // Assess
    expect(sources.length).toBeGreaterThan(100);
    expect(sources.filter((s: string) => /@cloud-copilot|fauxqs|infra\/local\//.test(s))).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^kismo: NO_LOCAL_CLOUD: .*runs from a checkout of kismo/);
  });

  it('installs with nothing else from the registry, and runs as plain `kismo`', async () => {
    // Act
    const run = await runProcess(kismo, ['--version'], { env });

    // Assess
    expect(readdirSync(path.join(home, 'prefix', 'lib', 'node_modules'))).toEqual(['kismo']);
    expect(run.stdout.trim()).toBe(packageJson.version);
    expect(run.code).toBe(0);
  });

  it('pushes a folder given relative to where it is run, awkward names and empty files included, and re-pushes it unchanged', async () => {
    // Prepare
    const project = path.join(home, 'project');
    writeTree(path.join(project, 'data'), AWKWARD);
    const push = ['push', './data', '-t', 'g4dn.xlarge', '--yes', '--no-wait', '--json'];

    // Act
    const first = await runProcess(kismo, push, { env, cwd: project });
    const again = await runProcess(kismo, push, { env, cwd: project });

    // Assess
    expect(first.stderr).not.toMatch(/kismo: [A-Z_]+:/);
    expect(first.code).toBe(0);
    expect(await listKeys(test.cloud, 'users/ada/datasets/data/')).toEqual(
      Object.keys(AWKWARD)
        .map((file) => `users/ada/datasets/data/${file}`)
        .sort(),
    );
    const result = JSON.parse(again.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(again.code).toBe(0);
    expect(result).toMatchObject({ uploaded: 0, skipped: 5, deleted: 0, dataset: { files: 5 } });
  });

  it('resolves relative paths from the caller’s folder when run from the sources too (npm run kismo)', async () => {
    // Prepare: a folder outside the repository; npm finds the package with --prefix.
    const elsewhere = path.join(home, 'elsewhere');
    mkdirSync(elsewhere);
    writeTree(path.join(elsewhere, 'shots'), { 'a.txt': 'a\n', 'empty.txt': '' });

    // Act
    const run = await runProcess(
      'npm',
      [
        '--prefix',
        REPO,
        'run',
        '-s',
        'kismo',
        '--',
        'push',
        './shots',
        '-t',
        'g4dn.xlarge',
        '--yes',
        '--no-wait',
        '--json',
      ],
      { env: { ...process.env, ...env }, cwd: elsewhere, timeoutMs: 60_000 },
    );

    // Assess
    expect(run.stderr).not.toMatch(/kismo: [A-Z_]+:/);
    expect(run.code).toBe(0);
    expect(await listKeys(test.cloud, 'users/ada/datasets/shots/')).toEqual([
      'users/ada/datasets/shots/a.txt',
      'users/ada/datasets/shots/empty.txt',
    ]);
  });
});
