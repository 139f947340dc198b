import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { withPayloadHash } from './payload-hash';
import { normalEtag } from './remote-listing';
import type { Transfer } from './transfer';

/** The user metadata that carries a file's hex SHA-256, so any later run can check an object with one HEAD. */
export const SHA256_METADATA = 'sha256';

/**
 * One PUT of a whole (small) file. `ChecksumSHA256` makes S3 reject a body that does not match the
 * hash; it also stops the SDK from computing a CRC of its own. Resolves to the object's ETag.
 */
export async function putObject(
  transfer: Transfer,
  path: string,
  body: Buffer,
  sha256: string,
): Promise<string> {
  const answer = await transfer.requests(() => {
    transfer.signal.throwIfAborted();
    return transfer.s3.send(
      withPayloadHash(
        new PutObjectCommand({
          Bucket: transfer.bucket,
          Key: transfer.prefix + path,
          Body: body,
          ContentLength: body.length,
          ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
          Metadata: { [SHA256_METADATA]: sha256 },
        }),
        sha256,
      ),
      { abortSignal: transfer.signal },
    );
  });
  return normalEtag(answer.ETag);
}

/** The SHA-256 an object says it holds (our metadata), or `undefined` when it is gone or says nothing. */
export async function remoteSha256(transfer: Transfer, path: string): Promise<string | undefined> {
  try {
    const head = await transfer.requests(() => {
      transfer.signal.throwIfAborted();
      return transfer.s3.send(
        new HeadObjectCommand({ Bucket: transfer.bucket, Key: transfer.prefix + path }),
        {
          abortSignal: transfer.signal,
        },
      );
    });
    return head.Metadata?.[SHA256_METADATA];
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
      return undefined;
    throw error;
  }
}
