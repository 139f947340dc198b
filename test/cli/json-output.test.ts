import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/program';
import packageJson from '../../package.json' with { type: 'json' };
import { kismoInProcess } from '../support/cli-process';

/** Every line of stdout, each parsed: with --json there is nothing else on it. */
const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

describe('kismo --json: every outcome a script reads is JSON', () => {
  let home: string;
  const saved = { ...process.env };

  beforeAll(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-json-'));
    Object.assign(process.env, { XDG_CONFIG_HOME: home, KISMO_PROFILE: '' });
  });
  afterAll(() => {
    process.env = saved;
    rmSync(home, { recursive: true, force: true });
  });

  it('prints the version as JSON', async () => {
    // Act
    const run = await kismoInProcess('--version', '--json');

    // Assess
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([{ version: packageJson.version }]);
  });

  it('prints an error as {"error":{"code","message"}} and exits non-zero', async () => {
    // Act
    const run = await kismoInProcess(
      'push',
      path.join(home, 'no-such-folder'),
      '-t',
      'g4dn.xlarge',
      '--json',
    );

    // Assess
    expect(run.code).not.toBe(0);
    expect(lines(run.stdout)).toEqual([{ error: { code: expect.any(String), message: expect.any(String) } }]);
    expect(run.stderr).toMatch(/^kismo: /);
  });

  it('prints a usage mistake as an error too', async () => {
    // Act
    const run = await kismoInProcess('ls', '--bogus', '--json');

    // Assess
    expect(run.code).not.toBe(0);
    expect(lines(run.stdout)).toEqual([
      { error: { code: 'USAGE', message: expect.stringMatching(/unknown option '--bogus'/) } },
    ]);
  });

  it('prints nothing but help for --help, even with --json', async () => {
    // Act
    const run = await kismoInProcess('ls', '--help', '--json');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: kismo ls/);
  });
});

describe('every command’s --help', () => {
  it.each(buildProgram().commands.map((c) => c.name()))(
    '%s shows the global options and an example',
    async (name) => {
      // Act
      const run = await kismoInProcess(name, '--help');

      // Assess
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Global Options:[\s\S]*--profile[\s\S]*--json[\s\S]*--debug/);
      expect(run.stdout).toMatch(new RegExp(`Examples?:\\n  kismo ${name}`));
    },
  );
});
