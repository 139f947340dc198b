import { type PartedHash, readPart, sha256Base64 } from './hash';
import { FileChangedError, type LocalFile } from './local-file';
import type { PendingUpload } from './local-index';
import { SHA256_METADATA } from './put-object';
import type { Transfer } from './transfer';

/**
 * Sends a large file in parts, all in flight at once within the shared request limit. Each part is
 * read again just before it is sent and compared with the hash taken before: a part that differs
 * means the file changed under us (FileChangedError). S3 checks each part's SHA-256 too. Parts S3
 * confirmed are in the index, so an interrupted upload resumes where it stopped.
 */
export async function multipartUpload(
  transfer: Transfer,
  file: LocalFile,
  hashed: PartedHash,
  partSize: number,
  mtimeMs: number,
): Promise<string> {
  const resumable = transfer.index.pendingUpload(file.path);
  const resumed =
    resumable?.sha256 === hashed.sha256 && resumable.size === hashed.size && resumable.partSize === partSize;
  if (resumed) {
    try {
      return await sendParts(transfer, file, hashed, resumable);
    } catch (error) {
      if (error instanceof FileChangedError) await abandon(transfer, file.path, resumable.uploadId);
      // The upload may have expired or been aborted by the bucket's lifecycle rule: start over once.
      if (!isGoneUpload(error)) throw error;
    }
  }
  const uploadId = await transfer.requests(() => {
    transfer.signal.throwIfAborted();
    return transfer.objects.startUpload(transfer.prefix + file.path, {
      metadata: { [SHA256_METADATA]: hashed.sha256 },
    });
  });
  const upload: PendingUpload = {
    sha256: hashed.sha256,
    size: hashed.size,
    mtimeMs,
    uploadId,
    partSize,
    parts: {},
  };
  transfer.index.startUpload(file.path, upload);
  try {
    return await sendParts(transfer, file, hashed, upload);
  } catch (error) {
    // A changed file will be sent afresh; its parts are of no use. An interrupted one keeps them.
    if (error instanceof FileChangedError) await abandon(transfer, file.path, upload.uploadId);
    throw error;
  }
}

async function sendParts(
  transfer: Transfer,
  file: LocalFile,
  hashed: PartedHash,
  upload: PendingUpload,
): Promise<string> {
  const key = transfer.prefix + file.path;
  const sends = hashed.parts.map(async (checksum, i) => {
    const number = i + 1;
    const offset = i * upload.partSize;
    const length = Math.min(upload.partSize, hashed.size - offset);
    const known = upload.parts[String(number)];
    if (known) {
      transfer.onBytes(length);
      return known;
    }
    return transfer.requests(async () => {
      transfer.signal.throwIfAborted();
      const body = await readPart(file.absolutePath, offset, length);
      if (body.length !== length || sha256Base64(body) !== checksum) throw new FileChangedError(file.path);
      const etag = await transfer.objects.uploadPart(
        key,
        upload.uploadId,
        { partNumber: number, body, sha256: checksum },
        { signal: transfer.signal },
      );
      transfer.index.confirmPart(file.path, upload.uploadId, number, etag);
      transfer.onBytes(length);
      return etag;
    });
  });
  // Settle every part before deciding, so no part is still in flight when the caller moves on.
  const settled = await Promise.allSettled(sends);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  const etags = settled.map((s) => (s as PromiseFulfilledResult<string>).value);
  return transfer.requests(() =>
    transfer.objects.completeUpload(
      key,
      upload.uploadId,
      etags.map((etag, i) => ({ partNumber: i + 1, etag, sha256: hashed.parts[i] ?? '' })),
      { signal: transfer.signal },
    ),
  );
}

async function abandon(transfer: Transfer, path: string, uploadId: string): Promise<void> {
  transfer.index.forget(path);
  await transfer.objects.abortUpload(transfer.prefix + path, uploadId).catch(() => {
    // Best effort: the bucket's lifecycle rule aborts incomplete uploads anyway.
  });
}

function isGoneUpload(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchUpload' || name === 'InvalidPart';
}
