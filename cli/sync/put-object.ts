import { bareEtag } from '../../services/kit/ports/objects';
import type { Transfer } from './transfer';

/** The user metadata that carries a file's hex SHA-256, so any later run can check an object with one HEAD. */
export const SHA256_METADATA = 'sha256';

/**
 * One PUT of a whole (small) file, with its SHA-256 as checksum (S3 rejects a body that does not
 * match) and as metadata. Resolves to the object's ETag.
 */
export async function putObject(
  transfer: Transfer,
  path: string,
  body: Buffer,
  sha256: string,
): Promise<string> {
  const answer = await transfer.requests(() => {
    transfer.signal.throwIfAborted();
    return transfer.objects.put(transfer.prefix + path, body, {
      sha256,
      metadata: { [SHA256_METADATA]: sha256 },
      signal: transfer.signal,
    });
  });
  return bareEtag(answer.etag);
}

/** The SHA-256 an object says it holds (our metadata), or `undefined` when it is gone or says nothing. */
export async function remoteSha256(transfer: Transfer, path: string): Promise<string | undefined> {
  const head = await transfer.requests(() => {
    transfer.signal.throwIfAborted();
    return transfer.objects.head(transfer.prefix + path, { signal: transfer.signal });
  });
  return head?.metadata[SHA256_METADATA];
}

/**
 * Deletes the objects of files deleted locally, 1,000 keys a request. The bucket is versioned, so
 * nothing is lost: the old versions stay.
 */
export async function deleteObjects(transfer: Transfer, paths: readonly string[]): Promise<void> {
  const batches: string[][] = [];
  for (let i = 0; i < paths.length; i += 1000) batches.push(paths.slice(i, i + 1000));
  await Promise.all(
    batches.map((batch) =>
      transfer.requests(async () => {
        transfer.signal.throwIfAborted();
        await transfer.objects.deleteMany(
          batch.map((path) => transfer.prefix + path),
          { signal: transfer.signal },
        );
        for (const path of batch) transfer.index.forget(path);
      }),
    ),
  );
}
