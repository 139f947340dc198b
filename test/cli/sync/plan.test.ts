import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IndexEntry } from '../../../cli/sync/local-index';
import { planSync } from '../../../cli/sync/plan';
import type { RemoteObject } from '../../../cli/sync/remote-listing';

const file = (path: string, size = 10, mtimeMs = 1000) => ({
  path,
  absolutePath: `/data/${path}`,
  size,
  mtimeMs,
});
const entry = (size = 10, mtimeMs = 1000, etag = 'e1'): IndexEntry => ({
  size,
  mtimeMs,
  sha256: 'a'.repeat(64),
  etag,
});
const indexOf = (entries: Record<string, IndexEntry>) => ({ get: (path: string) => entries[path] });

describe('planning a sync', () => {
  it('trusts the index only where the bucket shows the object it recorded', () => {
    // Prepare
    const files = [
      file('same'),
      file('touched', 10, 2000),
      file('resized', 11),
      file('replaced-remotely'),
      file('unrecorded'),
      file('new'),
      file('gone-remotely'),
    ];
    const index = indexOf({
      same: entry(),
      touched: entry(),
      resized: entry(),
      'replaced-remotely': entry(),
      'gone-remotely': entry(),
    });
    const remote = new Map<string, RemoteObject>([
      ['same', { size: 10, etag: 'e1' }],
      ['touched', { size: 10, etag: 'e1' }],
      ['resized', { size: 10, etag: 'e1' }],
      ['replaced-remotely', { size: 10, etag: 'someone-else' }],
      ['unrecorded', { size: 10, etag: 'e9' }],
      ['deleted-locally', { size: 3, etag: 'e3' }],
    ]);

    // Act
    const plan = planSync(files, index, remote);

    // Assess
    expect(plan.skip.map((a) => a.file.path)).toEqual(['same']);
    expect(plan.work.map((a) => [a.file.path, a.kind])).toEqual([
      ['touched', 'recheck'],
      ['resized', 'upload'],
      ['replaced-remotely', 'verify'],
      ['unrecorded', 'verify'],
      ['new', 'upload'],
      ['gone-remotely', 'upload'],
    ]);
    expect(plan.deletions).toEqual(['deleted-locally']);
  });

  it('accounts for every local file once, and deletes exactly the remote paths the folder lacks', () => {
    const path = fc.constantFrom('a', 'b', 'c', 'd/e', 'd/f', 'g');
    fc.assert(
      fc.property(
        fc.uniqueArray(path),
        fc.uniqueArray(path),
        fc.uniqueArray(path),
        (local, indexed, remote) => {
          // Prepare
          const index = indexOf(Object.fromEntries(indexed.map((p) => [p, entry()])));
          const listing = new Map(remote.map((p) => [p, { size: 10, etag: 'e1' } as RemoteObject]));

          // Act
          const plan = planSync(
            local.map((p) => file(p)),
            index,
            listing,
          );

          // Assess
          const planned = [...plan.skip, ...plan.work].map((a) => a.file.path).sort();
          expect(planned).toEqual([...local].sort());
          expect(plan.deletions).toEqual(remote.filter((p) => !local.includes(p)).sort());
          for (const skipped of plan.skip) expect(remote).toContain(skipped.file.path);
        },
      ),
    );
  });
});
