import { readFileSync, statSync } from 'node:fs';
import { hashInParts, sha256Hex } from './hash';
import { FileChangedError } from './local-file';
import { multipartUpload } from './multipart-upload';
import type { FileAction } from './plan';
import { putObject, remoteSha256 } from './put-object';
import { partSizeFor, type Transfer } from './transfer';

/** `sent`: an object was written; `same`: the bucket already held this content; `unstable`: it kept changing. */
export type FileOutcome = 'sent' | 'same' | 'unstable';

const ATTEMPTS = 2;

/**
 * Brings one file's object up to date. The file is hashed from what is read, then sent; a stat after
 * the send (and, for parts, a second hash of each part as it is read) tells whether it changed
 * meanwhile. A changed file is sent once more; if it changes again it is reported, not recorded.
 */
export async function syncFile(
  transfer: Transfer,
  action: Exclude<FileAction, { kind: 'skip' }>,
): Promise<FileOutcome> {
  const { file } = action;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    transfer.signal.throwIfAborted();
    // Small files are read synchronously: microseconds each, and thread-pool round trips would cost more.
    const before = statSync(file.absolutePath, { throwIfNoEntry: false });
    // Deleted since the scan: it cannot be in this dataset, and a rerun will see it gone.
    if (!before) break;
    const partSize = partSizeFor(before.size, transfer.partSize);
    const small = before.size <= transfer.partSize;
    const body = small ? readFileSync(file.absolutePath) : undefined;
    const hashed = small ? undefined : await hashInParts(file.absolutePath, partSize);
    const sha256 = body ? sha256Hex(body) : (hashed?.sha256 ?? '');
    const size = body?.length ?? hashed?.size ?? 0;
    if (size !== before.size) continue;

    const known = await knownEtag(transfer, action, sha256);
    if (known !== undefined) {
      transfer.index.confirm(file.path, { size, mtimeMs: before.mtimeMs, sha256, etag: known });
      transfer.onBytes(size);
      return 'same';
    }
    let etag: string;
    try {
      etag = body
        ? await putObject(transfer, file.path, body, sha256)
        : await multipartUpload(
            transfer,
            file,
            hashed as NonNullable<typeof hashed>,
            partSize,
            before.mtimeMs,
          );
    } catch (error) {
      if (error instanceof FileChangedError) continue;
      throw error;
    }
    if (body) transfer.onBytes(size);
    const after = statSync(file.absolutePath, { throwIfNoEntry: false });
    if (after?.size === before.size && after.mtimeMs === before.mtimeMs) {
      transfer.index.confirm(file.path, { size, mtimeMs: before.mtimeMs, sha256, etag });
      return 'sent';
    }
  }
  transfer.index.forget(file.path);
  return 'unstable';
}

/** The ETag of an object that already holds exactly this content, if the action allows one. */
async function knownEtag(
  transfer: Transfer,
  action: Exclude<FileAction, { kind: 'skip' }>,
  sha256: string,
): Promise<string | undefined> {
  if (action.kind === 'recheck' && action.entry.sha256 === sha256) return action.entry.etag;
  if (action.kind === 'verify' && (await remoteSha256(transfer, action.file.path)) === sha256) {
    return action.remote.etag;
  }
  return undefined;
}
