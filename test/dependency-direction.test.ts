import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from './support/run-process';

const REPO = path.resolve(import.meta.dirname, '..');
const DEPCRUISE = path.join(REPO, 'node_modules', '.bin', 'depcruise');

/** Runs the project's dependency check (`npm run deps`'s) on a tree of files under `root`. */
function cruise(root: string) {
  return runProcess(
    DEPCRUISE,
    ['contracts', 'services', 'userdata', 'infra', 'cli', '--config', '.dependency-cruiser.cjs'],
    { cwd: root, env: process.env, timeoutMs: 60_000 },
  );
}

describe('the dependency direction (contracts ← services/kit ← services/<name> ← infra, cli)', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };

  beforeAll(() => {
    // A scratch tree with the project's layers, its rules, and one import against each rule.
    root = mkdtempSync(path.join(os.tmpdir(), 'kismo-deps-'));
    copyFileSync(path.join(REPO, '.dependency-cruiser.cjs'), path.join(root, '.dependency-cruiser.cjs'));
    write('services/kit/ports/bus.ts', 'export interface Bus { put(): void }\n');
    write(
      'contracts/publish.ts',
      "import type { Bus } from '../services/kit/ports/bus';\nexport type B = Bus;\n",
    );
    write('services/shared/calendar.ts', 'export const calendar = 1;\n');
    write(
      'services/kit/config.ts',
      "import { calendar } from '../shared/calendar';\nexport const c = calendar;\n",
    );
    write('services/notifier/who.ts', 'export const who = 1;\n');
    write('services/launcher/launch.ts', "import { who } from '../notifier/who';\nexport const l = who;\n");
    write('services/launcher/own.ts', "import { l } from './launch';\nexport const o = l;\n");
    write('infra/aws/bundling.ts', 'export const bundle = 1;\n');
    write('infra/local/cloud.ts', 'export const cloud = 1;\n');
    write('cli/build.ts', "import { bundle } from '../infra/aws/bundling';\nexport const b = bundle;\n");
    write('cli/dev.ts', "import { cloud } from '../infra/local/cloud';\nexport const d = cloud;\n");
    write('infra/local/profile.ts', "import type { d } from '../../cli/dev';\nexport type P = typeof d;\n");
    write('userdata/render.ts', "import { missing } from './nowhere';\nexport const r = missing;\n");
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('fails on each import against the direction, type-only ones included, and on none along it', async () => {
    // Act
    const run = await cruise(root);

    // Assess
    const found = [...run.stdout.matchAll(/error (\S+): (\S+) → (\S+)/g)].map(([, rule, from, to]) => [
      rule,
      from,
      to,
    ]);
    expect(run.code).not.toBe(0);
    expect(found.sort()).toEqual(
      [
        ['a-service-stays-in-its-folder', 'services/launcher/launch.ts', 'services/notifier/who.ts'],
        ['cli-hosts-only-the-local-cloud', 'cli/build.ts', 'infra/aws/bundling.ts'],
        ['contracts-only-contracts', 'contracts/publish.ts', 'services/kit/ports/bus.ts'],
        ['every-import-resolves', 'userdata/render.ts', './nowhere'],
        ['infra-never-the-cli', 'infra/local/profile.ts', 'cli/dev.ts'],
        ['kit-below-the-domain', 'services/kit/config.ts', 'services/shared/calendar.ts'],
      ].sort(),
    );
  });

  it('holds in the project itself', async () => {
    // Act
    const run = await cruise(REPO);

    // Assess
    expect(run.stdout).toMatch(/no dependency violations found/);
    expect(run.code).toBe(0);
  });
});
