import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeProfile } from '../../../cli/config/profiles';
import { main } from '../../../cli/main';
import { runKismo } from '../../support/cli-process';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { listKeys, writeLocalProfile, writeTree } from '../../support/push-fixtures';

interface BadInput {
  readonly name: string;
  /** Builds the folder (or not) and returns the arguments after `push`. */
  readonly prepare: (folder: string) => string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly error: RegExp;
  /** Run as a real process (the bin, its exit code); the others run `main` in this process, for speed. */
  readonly spawn?: boolean;
}

const cases: BadInput[] = [
  {
    name: 'a missing folder',
    prepare: (folder) => [folder, '-t', 'g4dn.xlarge'],
    error: /NO_SUCH_FOLDER: .*does not exist: pass the folder that holds your data/,
  },
  {
    name: 'an empty folder',
    prepare: (folder) => {
      writeTree(folder, { '.kismoignore': '*.tmp\n', 'scratch.tmp': 'x' });
      return [folder, '-t', 'g4dn.xlarge'];
    },
    error: /EMPTY_FOLDER: .*holds no files to push/,
  },
  {
    name: 'unreadable files',
    prepare: (folder) => {
      writeTree(folder, { 'ok.csv': 'a,b' });
      symlinkSync(path.join(folder, 'moved-away.csv'), path.join(folder, 'link.csv'));
      spawnSync('mkfifo', [path.join(folder, 'pipe')]);
      return [folder, '-t', 'g4dn.xlarge'];
    },
    error:
      /UNREADABLE_FILES: 2 files cannot be pushed: link\.csv \(a broken symbolic link\), pipe \(not a regular file\)/,
  },
  {
    name: 'a symbolic link loop',
    prepare: (folder) => {
      writeTree(folder, { 'a/data.csv': 'x' });
      symlinkSync(folder, path.join(folder, 'a/again'));
      return [folder, '-t', 'g4dn.xlarge'];
    },
    error: /SYMLINK_LOOP: a\/again links back to \. \(a loop\)/,
  },
  {
    name: 'an unknown instance type',
    prepare: (folder) => {
      writeTree(folder, { 'a.csv': 'x' });
      return [folder, '-t', 'biggest-gpu'];
    },
    error: /UNKNOWN_INSTANCE_TYPE: "biggest-gpu" is not an instance type .*g4dn\.xlarge \(\$0\.526\/h\)/,
  },
  {
    name: 'an instance type not allowed',
    prepare: (folder) => {
      writeTree(folder, { 'a.csv': 'x' });
      return [folder, '-t', 'p5.48xlarge'];
    },
    error: /INSTANCE_TYPE_NOT_ALLOWED: p5\.48xlarge is not allowed here: pick one of g4dn\.xlarge/,
  },
  {
    name: 'no instance type, off a terminal',
    prepare: (folder) => {
      writeTree(folder, { 'a.csv': 'x' });
      return [folder];
    },
    error: /NO_INSTANCE_TYPE: pass -t TYPE, one of g4dn\.xlarge/,
  },
  {
    name: 'an unknown profile',
    prepare: (folder) => {
      writeTree(folder, { 'a.csv': 'x' });
      return [folder, '-t', 'g4dn.xlarge', '--profile', 'staging'];
    },
    error: /UNKNOWN_PROFILE: there is no profile named "staging".*run `kismo init` or `kismo dev`/,
    spawn: true,
  },
  {
    name: 'an unreachable endpoint',
    prepare: (folder) => {
      writeTree(folder, { 'a.csv': 'x' });
      return [folder, '-t', 'g4dn.xlarge', '--profile', 'down'];
    },
    error: /UNREACHABLE: cannot reach the local cloud at http:\/\/127\.0\.0\.1:9 .*start it with `kismo dev`/,
    spawn: true,
  },
  {
    name: 'an index location it cannot write',
    prepare: (folder) => {
      writeTree(folder, { 'a.csv': 'x' });
      return [folder, '-t', 'g4dn.xlarge'];
    },
    env: { XDG_STATE_HOME: '/etc/hostname' },
    error:
      /STATE_UNWRITABLE: cannot write kismo's index in \/etc\/hostname\/kismo\/index \(ENOTDIR\): .*set XDG_STATE_HOME/,
  },
  {
    name: 'no AWS credentials',
    prepare: (folder) => {
      writeTree(folder, { 'a.csv': 'x' });
      return [folder, '-t', 'g4dn.xlarge', '--profile', 'aws'];
    },
    env: {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    },
    error: /NO_CREDENTIALS: no AWS credentials found \(.*\): sign in \(`aws configure` or `aws sso login`\)/,
  },
];

/** Runs `kismo` in this process with extra environment; returns its exit code and what it printed. */
async function kismoHere(args: string[], env: NodeJS.ProcessEnv) {
  const printed = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    vi.spyOn(process[stream], 'write').mockImplementation((chunk) => {
      printed[stream] += String(chunk);
      return true;
    });
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value ?? '');
  const out = capture('stdout');
  const err = capture('stderr');
  try {
    return { code: await main(args), ...printed };
  } finally {
    out.mockRestore();
    err.mockRestore();
    vi.unstubAllEnvs();
  }
}

describe('kismo push refuses bad input with an error that says what to do, and writes nothing', () => {
  let test: TestCloud;
  let home: string;

  beforeAll(async () => {
    test = await startTestCloud({ services: [] });
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-push-errors-'));
    const config = path.join(home, 'config');
    writeLocalProfile(config, test.cloud);
    writeProfile(
      'down',
      {
        kind: 'local',
        endpoint: 'http://127.0.0.1:9',
        region: 'us-east-1',
        bucket: 'kismo-local',
        credentials: { ...test.cloud.credentials },
      },
      path.join(config, 'kismo', 'config.json'),
    );
    writeProfile(
      'aws',
      { kind: 'aws', region: 'us-east-1', bucket: 'kismo-data-000000000000' },
      path.join(config, 'kismo', 'config.json'),
    );
  });
  afterAll(async () => {
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it.each(cases.map((c, i) => ({ ...c, owner: `bad-${i}` })))(
    '$name',
    async ({ prepare, env, error, owner, spawn }) => {
      // Prepare
      const folder = path.join(home, owner, 'data');
      mkdirSync(path.dirname(folder), { recursive: true });
      const args = ['push', ...prepare(folder), '--yes'];
      const environment = {
        XDG_CONFIG_HOME: path.join(home, 'config'),
        XDG_STATE_HOME: path.join(home, owner, 'state'),
        KISMO_OWNER: owner,
        KISMO_PROFILE: 'local',
        CI: '1',
        ...env,
      };

      // Act
      const run = spawn ? await runKismo(args, environment) : await kismoHere(args, environment);

      // Assess
      expect(run.stderr).toMatch(error);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(await listKeys(test.cloud, `users/${owner}/`)).toEqual([]);
    },
  );
});
