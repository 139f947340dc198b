import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheDirectory, commandKey } from '../../cli/bin/core-cache.cjs';
import packageJson from '../../package.json' with { type: 'json' };
import { runKismo } from '../support/cli-process';

describe("the bundle core's code cache", () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const build = JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, '../../cli/dist/build.json'), 'utf8'),
  ) as {
    core: string;
  };
  const cacheOf = (command: string) =>
    path.join(dir, `main-${build.core.slice(0, 16)}-${process.version}-${process.arch}-${command}.bin`);
  const version = async () => {
    const run = await runKismo(['--version'], env);
    expect(run.stderr).toBe('');
    return run.stdout.trim();
  };
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-core-cache-'));
    env = { XDG_CACHE_HOME: home };
    dir = cacheDirectory(env);
  });
  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('is made by the first run of a command, private to the user, and taken as it is by the next', async () => {
    // Act
    const first = await version();
    const made = statSync(cacheOf('none'));
    const second = await version();

    // Assess
    expect([first, second]).toEqual([packageJson.version, packageJson.version]);
    expect(made.mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(cacheOf('none')).mtimeMs).toBe(made.mtimeMs);
    expect(readdirSync(dir)).toEqual([path.basename(cacheOf('none'))]);
  });

  it('is made again when V8 refuses it, and the command runs all the same', async () => {
    // Prepare
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(cacheOf('none'), 'not a code cache');

    // Act
    const printed = await version();

    // Assess
    expect(printed).toBe(packageJson.version);
    expect(readFileSync(cacheOf('none')).length).toBeGreaterThan(1000);
  });

  it('is neither read nor written in a directory others may write to', async () => {
    // Prepare
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    writeFileSync(cacheOf('none'), 'planted');

    // Act
    const printed = await version();

    // Assess
    expect(printed).toBe(packageJson.version);
    expect(readFileSync(cacheOf('none'), 'utf8')).toBe('planted');
  });

  it("drops the caches of other builds when it writes one of this build's", async () => {
    // Prepare
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stale = path.join(dir, `main-0123456789abcdef-${process.version}-${process.arch}-none.bin`);
    writeFileSync(stale, 'an older build');

    // Act
    await version();

    // Assess
    expect(readdirSync(dir)).toEqual([path.basename(cacheOf('none'))]);
  });

  it('runs a core with no import() in it, which a vm.Script could not resolve', () => {
    // Prepare: the SDK comes through require, `kismo dev` through cli/dist/import.cjs.
    const core = readFileSync(path.resolve(import.meta.dirname, '../../cli/dist/main.cjs'), 'utf8');

    // Act
    const imports = [...core.matchAll(/\bimport\s*\(/g)].map((m) => core.slice(m.index, m.index + 60));

    // Assess
    expect(core.length).toBeGreaterThan(100_000);
    expect(imports).toEqual([]);
  });

  it('lives in $XDG_CACHE_HOME, or in ~/.cache when that is unset or relative', () => {
    expect(cacheDirectory({ XDG_CACHE_HOME: '/var/cache/ada' })).toBe('/var/cache/ada/kismo/code');
    expect(cacheDirectory({ XDG_CACHE_HOME: 'cache' })).toBe(path.join(os.homedir(), '.cache/kismo/code'));
    expect(cacheDirectory({})).toBe(path.join(os.homedir(), '.cache/kismo/code'));
  });

  it('is kept per command, keyed by the first argument that is not an option', () => {
    expect(commandKey(['push', 'data', '-t', 'p3.2xlarge'])).toBe('push');
    expect(commandKey(['--profile', 'aws', '--json', 'ls'])).toBe('ls');
    expect(commandKey(['--version'])).toBe('none');
    expect(commandKey([])).toBe('none');
    expect(commandKey(['../etc/passwd'])).toBe('other');
  });
});
