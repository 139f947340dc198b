// A dataset is a folder: two folders with the same base name are two datasets, and one never
// silently replaces the other (the README's own `kismo push ./data` from two projects).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kismoInProcess } from '../../support/cli-process';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { listKeys, localUserHome, writeTree } from '../../support/push-fixtures';

describe('kismo push and the folder a dataset comes from', () => {
  let test: TestCloud;
  let home: string;
  const saved = { ...process.env };
  const first = () => path.join(home, 'project-a', 'data');
  const second = () => path.join(home, 'project-b', 'data');
  const push = (folder: string, ...flags: string[]) =>
    kismoInProcess('push', folder, '-t', 'g4dn.xlarge', '--yes', '--no-wait', '--json', ...flags);

  beforeAll(async () => {
    test = await startTestCloud({ services: [] });
    const user = localUserHome(test.cloud, 'identity', { CI: '1' });
    home = user.home;
    Object.assign(process.env, user.env);
    writeTree(first(), { 'a.csv': '1', 'b.csv': '2', 'c.csv': '3' });
    writeTree(second(), { 'z.csv': '26' });
  });
  afterAll(async () => {
    process.env = saved;
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses another folder of the same name, even with --yes, and deletes nothing', async () => {
    // Act
    const pushed = await push(first());
    const other = await push(second());

    // Assess
    expect(pushed.code).toBe(0);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(
      new RegExp(
        `DATASET_FROM_ANOTHER_FOLDER: dataset "data" was last pushed from ${first()}, not ${second()}: .*--name NAME.*--replace`,
      ),
    );
    expect(await listKeys(test.cloud, 'users/ada/datasets/data/')).toEqual([
      'users/ada/datasets/data/a.csv',
      'users/ada/datasets/data/b.csv',
      'users/ada/datasets/data/c.csv',
    ]);
  });

  it('pushes it under another name, or replaces the dataset when told to', async () => {
    // Act
    const named = await push(second(), '--name', 'data-b');
    const replaced = await push(second(), '--replace');
    const back = await push(first());

    // Assess
    expect(named.code).toBe(0);
    expect(await listKeys(test.cloud, 'users/ada/datasets/data-b/')).toEqual([
      'users/ada/datasets/data-b/z.csv',
    ]);
    expect(replaced.code).toBe(0);
    expect(await listKeys(test.cloud, 'users/ada/datasets/data/')).toEqual(['users/ada/datasets/data/z.csv']);
    // The dataset is now the second folder's: the first is the other one.
    expect(back.code).toBe(1);
    expect(back.stderr).toMatch(/DATASET_FROM_ANOTHER_FOLDER/);
  });

  it('lets the same folder push again, as often as it likes', async () => {
    // Act
    const again = await push(second());

    // Assess
    expect(again.code).toBe(0);
  });
});
