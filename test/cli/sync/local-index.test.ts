import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexPath } from '../../../cli/sync/index-location';
import { LocalIndex } from '../../../cli/sync/local-index';

const identity = {
  root: '/data',
  endpoint: 'http://127.0.0.1:4566',
  bucket: 'kismo-local',
  prefix: 'users/ada/datasets/data/',
};
const entry = (etag: string) => ({ size: 1, mtimeMs: 1, sha256: 'a'.repeat(64), etag });

describe('the local index', () => {
  let home: string;
  let file: string;

  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-index-'));
    file = indexPath(identity, { XDG_STATE_HOME: home });
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('lives under $XDG_STATE_HOME/kismo/index, one file per folder, endpoint, bucket and prefix', () => {
    // Act
    const other = indexPath({ ...identity, endpoint: 'aws' }, { XDG_STATE_HOME: home });

    // Assess
    expect(path.dirname(file)).toBe(path.join(home, 'kismo', 'index'));
    expect(other).not.toBe(file);
  });

  it('keeps what a killed run confirmed: the journal is replayed, a torn last line ignored', () => {
    // Prepare: a run confirms two files, its journal is flushed, and it dies mid-write
    const run = LocalIndex.open(file, identity);
    run.confirm('a.bin', entry('e1'));
    run.confirm('b.bin', entry('e2'));
    run.forget('b.bin');
    run.confirm('c.bin', entry('e3'));
    run.close();
    appendFileSync(file.replace(/\.json$/, '.journal'), '{"op":"put","path":"d.b');

    // Act
    const next = LocalIndex.open(file, identity);

    // Assess
    expect([...next.paths()].sort()).toEqual(['a.bin', 'c.bin']);
    expect(next.get('c.bin')?.etag).toBe('e3');
    next.close();
  });

  it('folds the journal into one snapshot when saved', () => {
    // Prepare
    const run = LocalIndex.open(file, identity);
    run.confirm('a.bin', entry('e1'));

    // Act
    const saved = run.save();
    const savedAgain = run.save();
    run.close();
    const snapshot = JSON.parse(readFileSync(file, 'utf8'));

    // Assess
    expect([saved, savedAgain]).toEqual([true, false]);
    expect(snapshot).toMatchObject({ version: 1, identity, files: { 'a.bin': { etag: 'e1' } } });
    expect(() => readFileSync(file.replace(/\.json$/, '.journal'))).toThrow(/ENOENT/);
  });

  it('keeps the summary of the last finished sync only until its first change', () => {
    // Prepare
    const summary = {
      folder: 'f'.repeat(64),
      state: 's'.repeat(64),
      files: 1,
      bytes: 1,
      digest: 'd'.repeat(64),
      pins: `${'e'.repeat(32)}\t1\t${'f'.repeat(64)}\ta.bin\n`,
    };
    const run = LocalIndex.open(file, identity);
    run.confirm('a.bin', entry('e1'));
    expect(() => run.summarize(summary)).toThrow(/unsaved changes/);
    run.save();
    run.summarize(summary);
    run.close();

    // Act
    const next = LocalIndex.open(file, identity);
    const read = next.summary;
    next.forget('a.bin');
    const afterChange = LocalIndex.open(file, identity).summary;
    next.close();

    // Assess
    expect(read).toEqual(summary);
    // Gone as the change is made, before any journal line: a push killed now cannot trust it.
    expect(afterChange).toBeUndefined();
  });

  it('takes a torn or foreign summary for none', () => {
    // Prepare
    const summaryFile = file.replace(/\.json$/, '.summary.json');
    const run = LocalIndex.open(file, identity);
    run.close();

    // Act
    const read = ['{"version":1,"folder":"f","sta', '{"version":2}', '[]', 'null'].map((text) => {
      writeFileSync(summaryFile, text);
      return LocalIndex.open(file, identity).summary;
    });

    // Assess
    expect(read).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('starts empty from a corrupt snapshot instead of failing the push', () => {
    // Prepare
    const run = LocalIndex.open(file, identity);
    run.save();
    run.close();
    appendFileSync(file, 'garbage');

    // Act
    const next = LocalIndex.open(file, identity);

    // Assess
    expect([...next.paths()]).toEqual([]);
    next.close();
  });
});
