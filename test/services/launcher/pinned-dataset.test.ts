// A pinned session (dataset.tsv beside its manifest) gets the files it was pushed with, so the
// launcher holds its pins against the manifest, not the dataset as it is now.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type PinnedFile, pinsKey, pinsSummary, renderPins } from '../../../contracts/dataset-pins';
import { OWNER, SESSION_ID } from '../../factories/events';
import { SAMPLE_FILES, sessionManifest } from '../../factories/manifest';
import {
  type LauncherHarness,
  launcherHarness,
  pushSession,
  reasonMessage,
} from './support/launcher-harness';

let harness: LauncherHarness;
afterEach(() => harness.close());

const pins: PinnedFile[] = Object.entries(SAMPLE_FILES).map(([path, body]) => ({
  path,
  size: body.byteLength,
  etag: createHash('md5').update(body).digest('hex'),
  sha256: createHash('sha256').update(body).digest('hex'),
}));

describe('the launcher and a pinned session', () => {
  it('launches though the dataset was pushed again since: the instance fetches the pinned versions', async () => {
    // Prepare: the dataset now holds one file more than this session's push
    harness = launcherHarness();
    const key = await pushSession(
      harness.objects,
      sessionManifest({ dataset: { pinned: true, digest: pinsSummary(pins).digest } }),
      {
        ...SAMPLE_FILES,
        'added later.csv': new TextEncoder().encode('x'),
      },
    );
    await harness.objects.put(pinsKey(OWNER, SESSION_ID), renderPins(pins));

    // Act
    await harness.deliver(key);

    // Assess
    expect(harness.bus.published('Launch Failed')).toEqual([]);
    expect(await harness.instancesOf(SESSION_ID)).toHaveLength(1);
  });

  it.each([
    ['no dataset.tsv', undefined, /which is not there/],
    ['a dataset.tsv that is not one', 'not\ta pins file\n', /cannot be read \(dataset.tsv line 1/],
    [
      'pins that are not the manifest’s files',
      renderPins(pins.slice(1)),
      /pins 2 files .* not the manifest's 3 files/,
    ],
  ])('refuses %s with dataset-missing, and launches nothing', async (_, text, message) => {
    // Prepare
    harness = launcherHarness();
    const key = await pushSession(
      harness.objects,
      sessionManifest({ dataset: { pinned: true, digest: pinsSummary(pins).digest } }),
    );
    if (text !== undefined) await harness.objects.put(pinsKey(OWNER, SESSION_ID), text);

    // Act
    await harness.deliver(key);

    // Assess
    expect(await harness.instancesOf(SESSION_ID)).toEqual([]);
    const [failed] = harness.bus.published('Launch Failed');
    expect(failed).toMatchObject({ reason: { code: 'dataset-missing' } });
    expect(reasonMessage(failed)).toMatch(message);
  });
});
