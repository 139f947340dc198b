import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshBundle } from '../../cli/bin/fresh-bundle.mjs';
import packageJson from '../../package.json' with { type: 'json' };
import { runKismo } from '../support/cli-process';

describe('the kismo command', () => {
  let root: string;
  const url = () => pathToFileURL(`${root}/`);
  const built = (builtAt: number, inputs: string[]) => {
    mkdirSync(path.join(root, 'cli/dist'), { recursive: true });
    writeFileSync(path.join(root, 'cli/dist/build.json'), JSON.stringify({ builtAt, inputs }));
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
    expect(freshBundle(url())).toBe(new URL('cli/dist/main.js', url()).href);
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

    // Assess
    expect([changed, missing, unreadable]).toEqual([undefined, undefined, undefined]);
  });

  it('prints its version, from the bundle and from the sources alike', async () => {
    // Act
    const bundled = await runKismo(['--version'], {});
    const fromSources = await runKismo(['--version'], { KISMO_FROM_SOURCES: '1' });

    // Assess
    expect(bundled.stdout.trim()).toBe(packageJson.version);
    expect(fromSources.stdout.trim()).toBe(packageJson.version);
  });
});
