import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Hex SHA-256: what the index and the manifest digest record, and what S3 requests are signed with. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Base64 SHA-256: what S3's `x-amz-checksum-sha256` carries. */
export function sha256Base64(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}

/** A large file's hashes: of the whole (for the index) and of each part (S3 checks each part). */
export interface PartedHash {
  readonly sha256: string;
  readonly size: number;
  readonly parts: readonly string[];
}

/** Reads the file once, part by part, hashing the whole and every part of `partSize` bytes. */
export async function hashInParts(absolutePath: string, partSize: number): Promise<PartedHash> {
  const handle = await open(absolutePath, 'r');
  try {
    const whole = createHash('sha256');
    const parts: string[] = [];
    const buffer = Buffer.allocUnsafe(partSize);
    let size = 0;
    for (;;) {
      const filled = await readFully(handle, buffer, size);
      if (filled === 0) break;
      const chunk = buffer.subarray(0, filled);
      whole.update(chunk);
      parts.push(sha256Base64(chunk));
      size += filled;
      if (filled < partSize) break;
    }
    return { sha256: whole.digest('hex'), size, parts };
  } finally {
    await handle.close();
  }
}

/** Reads one part of a file into a fresh buffer (short only at the end of the file). */
export async function readPart(absolutePath: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(absolutePath, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    const filled = await readFully(handle, buffer, offset);
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** `read` may return fewer bytes than asked before the end of the file; loop until full or at the end. */
async function readFully(
  handle: Awaited<ReturnType<typeof open>>,
  buffer: Buffer,
  position: number,
): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}
