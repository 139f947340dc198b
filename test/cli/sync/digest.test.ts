import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { datasetDigest } from '../../../contracts/dataset-digest';

describe('the dataset digest', () => {
  it('is what `LC_ALL=C sort | sha256sum` gives over the `path size sha256` lines, whatever their order', () => {
    // Prepare
    const entries = [
      { path: 'train/b.csv', size: 2, sha256: 'b'.repeat(64) },
      { path: 'Train/a.csv', size: 1, sha256: 'a'.repeat(64) },
      { path: 'train/a.csv', size: 10, sha256: 'c'.repeat(64) },
    ];
    const lines = entries.map((e) => `${e.path} ${e.size} ${e.sha256}\n`).join('');

    // Act
    const digest = datasetDigest(entries);
    const shell = execFileSync('sh', ['-c', 'LC_ALL=C sort | sha256sum'], { input: lines, encoding: 'utf8' });

    // Assess
    expect(digest).toBe(shell.split(' ')[0]);
    expect(datasetDigest([...entries].reverse())).toBe(digest);
  });
});
