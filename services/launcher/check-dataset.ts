import { parsePins, pinsKey, pinsSummary } from '../../contracts/dataset-pins';
import type { Objects } from '../kit/ports';
import { LaunchRefusal } from './launch-refusal';
import type { LaunchRequest } from './validate-request';

/**
 * The dataset the session will get is what the manifest describes: as many files, as many bytes.
 * Checked before paying for an instance whose bootstrap would fail the same check.
 *
 * A pinned session (`dataset.tsv`, `contracts/dataset-pins.ts`) gets the objects it was pushed
 * with, whatever the dataset holds now (pushed again since, the bucket keeps the versions): its
 * pins must add up to the manifest's files, bytes and digest. Otherwise the dataset as it is now
 * must: folder placeholders (keys ending in `/`) are no files, the instance's `aws s3 sync` makes
 * them directories.
 */
export async function checkDataset(objects: Objects, request: LaunchRequest): Promise<void> {
  const expected = request.manifest.dataset;
  if (expected.pinned) return checkPins(objects, request);
  let files = 0;
  let bytes = 0;
  for await (const object of objects.list(request.datasetPrefix)) {
    if (object.key.endsWith('/')) continue;
    files += 1;
    bytes += object.size;
  }
  if (files === expected.files && bytes === expected.bytes) return;
  const found = files === 0 ? 'nothing' : `${files} files (${bytes} bytes)`;
  throw new LaunchRefusal(
    'dataset-missing',
    `the manifest expects ${expected.files} files (${expected.bytes} bytes) under ${request.datasetPrefix}, but S3 holds ${found}: run \`kismo push\` again to finish the upload`,
  );
}

async function checkPins(objects: Objects, request: LaunchRequest): Promise<void> {
  const expected = request.manifest.dataset;
  const key = pinsKey(request.owner, request.sessionId);
  const stored = await objects.get(key);
  const refuse = (why: string) =>
    new LaunchRefusal('dataset-missing', `${why}: run \`kismo push\` again for a new session`);
  if (!stored) throw refuse(`the manifest pins its files in ${key}, which is not there`);
  let summary: ReturnType<typeof pinsSummary>;
  try {
    summary = pinsSummary(parsePins(new TextDecoder().decode(stored.body)));
  } catch (error) {
    throw refuse(`${key} cannot be read (${(error as Error).message})`);
  }
  if (
    summary.files !== expected.files ||
    summary.bytes !== expected.bytes ||
    summary.digest !== expected.digest
  ) {
    throw refuse(
      `${key} pins ${summary.files} files (${summary.bytes} bytes) that are not the manifest's ${expected.files} files (${expected.bytes} bytes, digest ${expected.digest.slice(0, 12)}…)`,
    );
  }
}
