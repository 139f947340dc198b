import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshBundle } from '../../cli/bin/fresh-bundle.cjs';
import packageJson from '../../package.json' with { type: 'json' };
import { KISMO_BIN, runKismo } from '../support/cli-process';
import { runProcess } from '../support/run-process';

describe('the kismo command', () => {
  let root: string;
  const url = () => pathToFileURL(`${root}/`);
  const digest = 'a1'.repeat(32);
  const built = (builtAt: number, inputs: string[], core: unknown = digest) => {
    mkdirSync(path.join(root, 'cli/dist'), { recursive: true });
    writeFileSync(path.join(root, 'cli/dist/build.json'), JSON.stringify({ builtAt, inputs, core }));
  };
  const source = (name: string, mtimeMs: number) => {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'export {};\n');
    utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'kismo-launcher-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('runs the bundle while every file it was built from is older than it', () => {
    // Prepare
    source('cli/main.ts', 1_000_000);
    source('package-lock.json', 1_000_000);
    built(2_000_000, ['cli/main.ts', 'package-lock.json']);

    // Act + Assess
    expect(freshBundle(url())).toEqual({ file: path.join(root, 'cli/dist/main.cjs'), sha256: digest });
  });

  it('runs the sources once one of them changed, went missing, or without a readable build record', () => {
    // Prepare
    source('cli/main.ts', 3_000_000);
    built(2_000_000, ['cli/main.ts']);
    const changed = freshBundle(url());
    built(2_000_000, ['cli/gone.ts']);
    const missing = freshBundle(url());
    writeFileSync(path.join(root, 'cli/dist/build.json'), '{ not json');
    const unreadable = freshBundle(url());
    source('cli/main.ts', 1_000_000);
    built(2_000_000, ['cli/main.ts'], null);
    const undigested = freshBundle(url());

    // Assess
    expect([changed, missing, unreadable, undigested]).toEqual([undefined, undefined, undefined, undefined]);
  });

  // The machine's own Node, where it is older than the CLI needs (Debian's 20 on the CI machine).
  const systemNode = '/usr/bin/node';
  const oldNode =
    existsSync(systemNode) &&
    /^v(2[01]|22\.([0-9]|1[01]))\./.test(
      spawnSync(systemNode, ['--version'], { encoding: 'utf8' }).stdout.trim(),
    );
  it.runIf(oldNode)('says which Node it needs, and how to get it, when run on an older one', async () => {
    // Act
    const run = await runProcess(systemNode, [KISMO_BIN, '--version']);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^kismo: NODE_TOO_OLD: kismo needs Node 22\.12 or later, and this is v\d+.*npm run -s kismo/,
    );
  });

  it('prints its version, from the bundle and from the sources alike', async () => {
    // Act
    const bundled = await runKismo(['--version'], {});
    const fromSources = await runKismo(['--version'], { KISMO_FROM_SOURCES: '1' });

    // Assess
    expect(bundled.stdout.trim()).toBe(packageJson.version);
    expect(fromSources.stdout.trim()).toBe(packageJson.version);
  });

  it("bundles commander with the only child_process function it calls (the bundle's stand-in has no other)", () => {
    // Prepare: cli/build/bundle-cli.ts gives commander a child_process with `spawn` alone.
    const lib = path.resolve(import.meta.dirname, '../../node_modules/commander/lib');

    // Act
    const used = readdirSync(lib)
      .filter((name) => name.endsWith('.js'))
      .flatMap((name) => [...readFileSync(path.join(lib, name), 'utf8').matchAll(/childProcess\.(\w+)/g)])
      .map(([, member]) => member);

    // Assess
    expect(new Set(used)).toEqual(new Set(['spawn']));
  });

  it('has a bundle whose every file loads, and whose every import between files resolves', async () => {
    // Prepare: the core, and the SDK's chunks, which a command loads only on demand.
    const dist = path.resolve(import.meta.dirname, '../../cli/dist');
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' })
      .filter((name) => /\.c?js$/.test(name))
      .map((name) => pathToFileURL(path.join(dist, name)));

    // Act: every relative specifier, static or dynamic, imported or required, resolved as Node
    // resolves it (a URL)
    const unresolved = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:from|import|require)\s*\(?\s*["'](\.\.?\/[^"']+)["']/g)]
        .map(([, specifier = '']) => ({ specifier, target: new URL(specifier, file) }))
        .filter(({ target }) => !existsSync(fileURLToPath(target)))
        .map(({ specifier }) => `${path.basename(fileURLToPath(file))} → ${specifier}`),
    );
    const loaded = await runProcess(process.execPath, [
      '--input-type=module',
      '-e',
      `for (const file of ${JSON.stringify(files.map(String))}) await import(file);`,
    ]);

    // Assess
    expect(files.map((file) => path.relative(dist, fileURLToPath(file)))).toContain('main.cjs');
    expect(files.length).toBeGreaterThan(10);
    expect(unresolved).toEqual([]);
    expect(loaded.stderr).toBe('');
    expect(loaded.code).toBe(0);
  });
});
