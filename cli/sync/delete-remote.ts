import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import type { Transfer } from './transfer';

/** DeleteObjects takes at most 1,000 keys a call. */
const BATCH = 1000;

/**
 * Deletes the objects of files deleted locally. The bucket is versioned, so nothing is lost: the old
 * versions stay. Not `Quiet`: S3 then reports each deletion, which the local cloud turns into events.
 */
export async function deleteRemote(transfer: Transfer, paths: readonly string[]): Promise<void> {
  const batches: string[][] = [];
  for (let i = 0; i < paths.length; i += BATCH) batches.push(paths.slice(i, i + BATCH));
  await Promise.all(
    batches.map((batch) =>
      transfer.requests(async () => {
        transfer.signal.throwIfAborted();
        const answer = await (await transfer.s3()).send(
          new DeleteObjectsCommand({
            Bucket: transfer.bucket,
            Delete: { Objects: batch.map((path) => ({ Key: transfer.prefix + path })) },
          }),
          { abortSignal: transfer.signal },
        );
        const failed = answer.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0];
          throw new Error(
            `S3 could not delete ${failed.length} objects (${first?.Key}: ${first?.Code} ${first?.Message})`,
          );
        }
        for (const path of batch) transfer.index.forget(path);
      }),
    ),
  );
}
