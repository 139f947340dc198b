import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanFolder } from '../../../cli/sync/scan';
import { writeTree } from '../../support/push-fixtures';

describe('scanning the folder to push', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'kismo-scan-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists regular files by relative path, leaving out what .kismoignore names', async () => {
    // Prepare
    writeTree(root, {
      'train/a.csv': 'a',
      'train/b.csv': 'bb',
      'cache/big.tmp': 'x',
      'notes.md': 'n',
      'logs/run.log': 'l',
      '.kismoignore': '*.tmp\nlogs/\n',
    });

    // Act
    const scan = await scanFolder(root);

    // Assess
    expect(scan.files.map((f) => f.path)).toEqual(['notes.md', 'train/a.csv', 'train/b.csv']);
    expect(scan.bytes).toBe(4);
  });

  it.each([
    ['without a .kismoignore', {}],
    ['with an empty .kismoignore', { '.kismoignore': '' }],
  ])("leaves out kismo's own files at the top only, %s", async (_, ignoreFile) => {
    // Prepare
    writeTree(root, {
      ...ignoreFile,
      '.kismo/dev/state.db': 's',
      'data/.kismo/kept.txt': 'k',
      'data/.kismoignore': 'kept too\n',
      'a.csv': 'a',
    });

    // Act
    const scan = await scanFolder(root);

    // Assess
    expect(scan.files.map((f) => f.path)).toEqual(['a.csv', 'data/.kismo/kept.txt', 'data/.kismoignore']);
  });

  it('follows symbolic links to files and folders outside the tree', async () => {
    // Prepare
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'kismo-scan-elsewhere-'));
    writeTree(elsewhere, { 'shared/labels.txt': 'cat\ndog\n' });
    writeTree(root, { 'own.txt': 'own' });
    symlinkSync(path.join(elsewhere, 'shared'), path.join(root, 'shared'));

    // Act
    const scan = await scanFolder(root);
    rmSync(elsewhere, { recursive: true, force: true });

    // Assess
    expect(scan.files.map((f) => f.path)).toEqual(['own.txt', 'shared/labels.txt']);
  });

  it('refuses a symbolic link that leads back to its own ancestor', async () => {
    // Prepare
    writeTree(root, { 'a/b/file.txt': 'x' });
    symlinkSync(path.join(root, 'a'), path.join(root, 'a/b/up'));

    // Act
    const scanning = scanFolder(root);

    // Assess
    await expect(scanning).rejects.toThrow(
      expect.objectContaining({
        code: 'SYMLINK_LOOP',
        message: expect.stringMatching(/a\/b\/up links back to a/),
      }),
    );
  });

  it('refuses a link to itself', async () => {
    // Prepare
    writeTree(root, { 'ok.txt': 'x' });
    symlinkSync('self', path.join(root, 'self'));

    // Act
    const scanning = scanFolder(root);

    // Assess
    await expect(scanning).rejects.toThrow(expect.objectContaining({ code: 'SYMLINK_LOOP' }));
  });

  it('lists every file it cannot read in one error: broken links, pipes, denied files', async () => {
    // Prepare
    writeTree(root, { 'ok.txt': 'x', 'secret/key.pem': 'k' });
    symlinkSync(path.join(root, 'gone'), path.join(root, 'dangling'));
    spawnSync('mkfifo', [path.join(root, 'pipe')]);
    // Tests run as root, who reads everything: the permission check is injected.
    const canRead = (file: string) => !file.endsWith('key.pem');

    // Act
    const scanning = scanFolder(root, { canRead });

    // Assess
    await expect(scanning).rejects.toThrow(
      expect.objectContaining({
        code: 'UNREADABLE_FILES',
        message: expect.stringMatching(
          /^3 files cannot be pushed: dangling \(a broken symbolic link\), pipe \(not a regular file\), secret\/key\.pem \(permission denied\)/,
        ),
      }),
    );
  });

  it('leaves an ignored unreadable file alone', async () => {
    // Prepare
    writeTree(root, { 'ok.txt': 'x', '.kismoignore': 'dangling\n' });
    symlinkSync(path.join(root, 'gone'), path.join(root, 'dangling'));

    // Act
    const scan = await scanFolder(root);

    // Assess
    expect(scan.files.map((f) => f.path)).toEqual(['ok.txt']);
  });

  it('says what to do with a missing folder, a file, or a folder with nothing to push', async () => {
    // Prepare
    writeTree(root, { 'file.txt': 'x', 'empty/.kismoignore': '*\n' });
    mkdirSync(path.join(root, 'empty/sub'));

    // Act
    const missing = scanFolder(path.join(root, 'nope'));
    const file = scanFolder(path.join(root, 'file.txt'));
    const empty = scanFolder(path.join(root, 'empty'));

    // Assess
    await expect(missing).rejects.toThrow(expect.objectContaining({ code: 'NO_SUCH_FOLDER' }));
    await expect(file).rejects.toThrow(expect.objectContaining({ code: 'NOT_A_FOLDER' }));
    await expect(empty).rejects.toThrow(expect.objectContaining({ code: 'EMPTY_FOLDER' }));
  });
});
