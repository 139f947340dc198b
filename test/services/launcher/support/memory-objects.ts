import { createHash } from 'node:crypto';
import type { ObjectSummary, Objects, PutOptions, StoredObject } from '../../../../services/kit/ports';
import { PreconditionFailedError } from '../../../../services/kit/ports';

/** The data bucket in memory, with S3's conditional writes (the launcher's claims depend on them). */
export class MemoryObjects implements Objects {
  readonly store = new Map<string, StoredObject>();

  async get(key: string): Promise<StoredObject | undefined> {
    return this.store.get(key);
  }

  async put(key: string, body: string | Uint8Array, options: PutOptions = {}): Promise<{ etag: string }> {
    const existing = this.store.get(key);
    if (options.ifNoneMatch && existing) throw new PreconditionFailedError(key);
    if (options.ifMatch !== undefined && existing?.etag !== options.ifMatch)
      throw new PreconditionFailedError(key);
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const etag = `"${createHash('md5').update(bytes).digest('hex')}"`;
    this.store.set(key, { key, body: bytes, etag });
    return { etag };
  }

  async *list(prefix: string): AsyncIterable<ObjectSummary> {
    for (const [key, object] of [...this.store].sort(([a], [b]) => a.localeCompare(b))) {
      if (key.startsWith(prefix)) yield { key, size: object.body.byteLength, etag: object.etag };
    }
  }

  async delete(key: string): Promise<void> {
    this.store.delete(key);
  }
}
