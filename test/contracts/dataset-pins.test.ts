import { describe, expect, it } from 'vitest';
import { datasetDigest } from '../../contracts/dataset-digest';
import { type PinnedFile, parsePins, pinsSummary, renderPins } from '../../contracts/dataset-pins';

const file = (path: string, size = 1): PinnedFile => ({
  path,
  size,
  etag: 'a'.repeat(32),
  sha256: 'b'.repeat(64),
});

describe('dataset.tsv', () => {
  it('renders one line per file in byte order, and parses back to the same files', () => {
    // Prepare: a space in a name, a multipart ETag, upper case sorting before lower
    const files = [
      file('labels/x y.csv', 3),
      { ...file('README.md', 9), etag: `${'c'.repeat(32)}-12` },
      file('a.bin'),
    ];

    // Act
    const text = renderPins(files);

    // Assess
    expect(text.split('\n').map((l) => l.split('\t')[3])).toEqual([
      'README.md',
      'a.bin',
      'labels/x y.csv',
      undefined,
    ]);
    expect(parsePins(text)).toEqual([files[1], files[2], files[0]]);
    expect(pinsSummary(files)).toEqual({ files: 3, bytes: 13, digest: datasetDigest(files) });
  });

  it.each([
    ['three columns', `${'a'.repeat(32)}\t1\tx.csv\n`],
    ['a size that is not a number', `${'a'.repeat(32)}\tone\t${'b'.repeat(64)}\tx.csv\n`],
    ['a path out of the dataset', `${'a'.repeat(32)}\t1\t${'b'.repeat(64)}\t../x.csv\n`],
    ['an absolute path', `${'a'.repeat(32)}\t1\t${'b'.repeat(64)}\t/etc/passwd\n`],
    ['an ETag that is not one', `"quoted"\t1\t${'b'.repeat(64)}\tx.csv\n`],
    ['a fifth column', `${'a'.repeat(32)}\t1\t${'b'.repeat(64)}\tx.csv\textra\n`],
  ])('refuses a line with %s, naming it', (_, text) => {
    expect(() => parsePins(`${renderPins([file('ok.csv')])}${text}`)).toThrow(/dataset.tsv line 2 /);
  });
});
