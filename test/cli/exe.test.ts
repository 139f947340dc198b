import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExe } from '../../cli/build/exe';
import packageJson from '../../package.json' with { type: 'json' };
import { startTestCloud, type TestCloud } from '../support/local-cloud';
import { listKeys, writeLocalProfile, writeTree } from '../support/push-fixtures';
import { runProcess } from '../support/run-process';

describe('kismo as a single executable, on a machine with no Node', () => {
  let test: TestCloud;
  let home: string;
  let exe: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    test = await startTestCloud({ services: [] });
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-exe-test-'));
    ({ file: exe } = await buildExe(path.join(home, 'kismo')));
    writeLocalProfile(path.join(home, 'config'), test.cloud, 'local', 'grace');
    // A PATH that holds no `node` at all: whatever runs, runs from the executable.
    const bin = path.join(home, 'empty-bin');
    mkdirSync(bin);
    env = {
      PATH: bin,
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_STATE_HOME: path.join(home, 'state'),
      KISMO_OWNER: 'grace',
      KISMO_PROFILE: 'local',
      CI: '1',
    };
  }, 120_000);
  afterAll(async () => {
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('finds no node on its PATH, and prints its version', async () => {
    // Act
    const which = await runProcess('/bin/sh', ['-c', 'command -v node || echo none'], { env });
    const run = await runProcess(exe, ['--version'], { env });

    // Assess
    expect(which.stdout.trim()).toBe('none');
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(packageJson.version);
  });

  it('pushes a folder to the local cloud, relative to where it runs', async () => {
    // Prepare
    const project = path.join(home, 'project');
    writeTree(path.join(project, 'data'), { 'a.csv': 'a,b\n', 'pkg/__init__.py': '', 'ü ber.txt': 'x\n' });

    // Act
    const run = await runProcess(
      exe,
      ['push', './data', '-t', 'g4dn.xlarge', '--yes', '--no-wait', '--json'],
      {
        env,
        cwd: project,
      },
    );

    // Assess
    expect(run.stderr).not.toMatch(/kismo: [A-Z_]+:/);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({
      owner: 'grace',
      uploaded: 3,
    });
    expect(await listKeys(test.cloud, 'users/grace/datasets/data/')).toEqual([
      'users/grace/datasets/data/a.csv',
      'users/grace/datasets/data/pkg/__init__.py',
      'users/grace/datasets/data/ü ber.txt',
    ]);
  });

  it('carries no local cloud: kismo dev says where it runs, and loads nothing from the build machine’s paths', async () => {
    // Act
    const run = await runProcess(exe, ['dev', '--port', '0', '--state-dir', path.join(home, 'dev-state')], {
      env,
      cwd: home,
    });

    // Assess: cli/dist/kismo-dev.cjs exists in this checkout, where the executable was built.
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^kismo: NO_LOCAL_CLOUD: /);
  });
});
