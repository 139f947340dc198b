import type { Objects } from '../kit/ports';
import { LaunchRefusal } from './launch-refusal';
import type { LaunchRequest } from './validate-request';

/**
 * The dataset in S3 is what the manifest describes: as many files, as many bytes. Checked before
 * paying for an instance whose bootstrap would fail the same check. Folder placeholders (keys
 * ending in `/`) are no files: the instance's `aws s3 sync` makes them directories.
 */
export async function checkDataset(objects: Objects, request: LaunchRequest): Promise<void> {
  const expected = request.manifest.dataset;
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
