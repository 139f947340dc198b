import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { push } from '../../../cli/commands/push';
import { writeProfile } from '../../../cli/config/profiles';
import type { PushIo } from '../../../cli/push/io';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { listKeys, writeLocalProfile, writeTree } from '../../support/push-fixtures';

/** A terminal that answers each prompt (matched by its text) as a person would. */
function terminal(env: NodeJS.ProcessEnv, answers: Record<string, string> = {}) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const printed = { stdout: '', stderr: '' };
  const sink = (name: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _encoding, done) {
        const text = String(chunk);
        printed[name] += text;
        for (const [prompt, answer] of Object.entries(answers)) {
          if (text.includes(prompt)) setImmediate(() => stdin.write(`${answer}\n`));
        }
        done();
      },
    });
  const io: PushIo = {
    stdin,
    stdout: sink('stdout'),
    stderr: sink('stderr'),
    env,
    signals: new EventEmitter() as never,
  };
  return { io, printed };
}

const defaults = { concurrency: 4, yes: false, wait: false } as const;
const globals = { json: false, debug: false };

describe('kismo push on a terminal: price, confirmation, and the pick of a type', () => {
  let test: TestCloud;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let n = 0;

  beforeAll(async () => {
    test = await startTestCloud({ services: [] });
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-push-tty-'));
    writeLocalProfile(path.join(home, 'config'), test.cloud);
    writeProfile(
      'narrow',
      {
        kind: 'local',
        endpoint: test.cloud.endpoint,
        region: test.cloud.region,
        bucket: test.cloud.bucket,
        credentials: { ...test.cloud.credentials },
        allowedInstanceTypes: ['g6.xlarge'],
      },
      path.join(home, 'config', 'kismo', 'config.json'),
    );
    env = {
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_STATE_HOME: path.join(home, 'state'),
      KISMO_OWNER: 'ada',
      KISMO_PROFILE: 'local',
    };
  });
  afterAll(async () => {
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const folder = () => {
    const dir = path.join(home, `set-${++n}`);
    writeTree(dir, { 'a.csv': 'a', 'b.csv': 'bb', 'c/d.csv': 'ddd' });
    return dir;
  };

  it('shows the price and asks first; "no" sends nothing and launches nothing', async () => {
    // Prepare
    const dir = folder();
    const { io, printed } = terminal(env, { '[y/N]': 'n' });

    // Act
    const pushing = push(dir, { ...defaults, type: 'p3.2xlarge' }, globals, io);

    // Assess
    await expect(pushing).rejects.toMatchObject({ code: 'NOT_CONFIRMED' });
    expect(printed.stderr).toContain('p3.2xlarge costs $3.06/h on demand');
    expect(printed.stderr).toContain(
      `Push 3 files (6 B) to users/ada/datasets/${path.basename(dir)}/ and launch p3.2xlarge? [y/N]`,
    );
    expect(await listKeys(test.cloud, 'users/ada/')).toEqual([]);
  });

  it('counts the files a re-push would delete before asking, from this machine’s index or the bucket', async () => {
    // Prepare: pushed once; then two files leave the folder
    const dir = folder();
    await push(dir, { ...defaults, type: 'p3.2xlarge', yes: true }, globals, terminal(env).io);
    rmSync(path.join(dir, 'b.csv'));
    rmSync(path.join(dir, 'c'), { recursive: true });
    const prefix = `users/ada/datasets/${path.basename(dir)}/`;
    const before = await listKeys(test.cloud, prefix);
    const elsewhere = { ...env, XDG_STATE_HOME: path.join(home, `other-machine-${n}`) };

    // Act: "no" here, and on a machine that has no index of the dataset (it lists the bucket)
    const here = terminal(env, { '[y/N]': 'n' });
    const refused = await push(dir, { ...defaults, type: 'p3.2xlarge' }, globals, here.io).catch((e) => e);
    const there = terminal(elsewhere, { '[y/N]': 'n' });
    await push(dir, { ...defaults, type: 'p3.2xlarge' }, globals, there.io).catch(() => undefined);

    // Assess
    const question = `Push 1 file (1 B) to ${prefix}, deleting 2 files there that this folder does not have (b.csv, c/d.csv), and launch p3.2xlarge? [y/N]`;
    expect(here.printed.stderr).toContain(question);
    expect(there.printed.stderr).toContain(question);
    expect(refused).toMatchObject({ code: 'NOT_CONFIRMED' });
    expect(await listKeys(test.cloud, prefix)).toEqual(before);
  });

  it('without -t, offers the allowed types with their prices, then pushes with the one picked', async () => {
    // Prepare
    const dir = folder();
    const { io, printed } = terminal(env, { 'number:': '3', '[y/N]': 'y' });

    // Act
    const result = await push(dir, defaults, globals, io);

    // Assess
    expect(printed.stderr).toMatch(
      /1\) g4dn\.xlarge\s+\$0\.526\/h\n\s+2\) g5\.xlarge\s+\$1\.01\/h\n\s+3\) p3\.2xlarge\s+\$3\.06\/h/,
    );
    expect(result).toMatchObject({ instanceType: 'p3.2xlarge', hourlyPrice: 3.06, uploaded: 3 });
    expect(await listKeys(test.cloud, `users/ada/sessions/${result.sessionId}/`)).toEqual([
      `users/ada/sessions/${result.sessionId}/dataset.tsv`,
      result.manifest,
    ]);
    expect(printed.stdout).toContain(`session ${result.sessionId} requested: p3.2xlarge ($3.06/h)`);
  });

  it("checks the type against the profile's own allowed list", async () => {
    // Prepare
    const dir = folder();
    const narrow = { ...env, KISMO_PROFILE: 'narrow' };

    // Act
    const refused = await push(
      dir,
      { ...defaults, type: 'g4dn.xlarge', yes: true },
      globals,
      terminal(narrow).io,
    ).catch((error: unknown) => error);
    const allowed = await push(
      dir,
      { ...defaults, type: 'g6.xlarge', yes: true },
      globals,
      terminal(narrow).io,
    );

    // Assess
    expect(refused).toMatchObject({
      code: 'INSTANCE_TYPE_NOT_ALLOWED',
      message: expect.stringContaining('pick one of g6.xlarge ($0.805/h)'),
    });
    expect(allowed).toMatchObject({ instanceType: 'g6.xlarge', uploaded: 3 });
  });
});
