import { createHash } from 'node:crypto';
import { ACTIVITY_PREFIX } from '../../contracts/activity-hour';
import type { BusEntry, Objects, Ports, PutOptions, StoredObject } from '../../services/kit/ports';
import { PreconditionFailedError } from '../../services/kit/ports';

/** An in-memory data bucket with S3's conditional-write semantics. */
export class MemoryObjects implements Objects {
  readonly store = new Map<string, StoredObject>();

  async get(key: string) {
    return this.store.get(key);
  }

  async put(key: string, body: string | Uint8Array, options: PutOptions = {}) {
    const current = this.store.get(key);
    if (options.ifNoneMatch && current) throw new PreconditionFailedError(key);
    if (options.ifMatch !== undefined && current?.etag !== options.ifMatch)
      throw new PreconditionFailedError(key);
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const etag = `"${createHash('md5').update(bytes).digest('hex')}"`;
    this.store.set(key, { key, body: bytes, etag });
    return { etag };
  }

  async *list(prefix: string) {
    for (const [key, object] of [...this.store.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (key.startsWith(prefix)) yield { key, size: object.body.length, etag: object.etag };
    }
  }

  async delete(key: string) {
    this.store.delete(key);
  }

  text(key: string): string | undefined {
    const object = this.store.get(key);
    return object ? new TextDecoder().decode(object.body) : undefined;
  }
}

const unused = (port: string) =>
  new Proxy(
    {},
    {
      get: (_, method) => () => {
        throw new Error(`${port}.${String(method)} is not expected in this test`);
      },
    },
  );

/** Ports for logic tests: memory objects, a recording bus, and whatever else the test gives. */
export function memoryPorts(
  overrides: Partial<Ports> = {},
): Ports & { objects: MemoryObjects; published: BusEntry[] } {
  const published: BusEntry[] = [];
  return {
    objects: new MemoryObjects(),
    bus: {
      putEvents: async (entries) => {
        published.push(...entries);
        return entries.map((_, i) => ({ EventId: `event-${published.length - entries.length + i}` }));
      },
    },
    compute: unused('compute') as Ports['compute'],
    chat: unused('chat') as Ports['chat'],
    clock: { now: () => new Date('2026-11-30T01:00:00Z') },
    published,
    ...(overrides as object),
  } as Ports & { objects: MemoryObjects; published: BusEntry[] };
}

/**
 * The idle monitor's bucket with its own state in memory and the instances' activity hours read
 * through `bucket` (the S3 adapter over a mocked or stand-in client).
 */
export function readingActivityFrom(objects: MemoryObjects, bucket: Pick<Objects, 'get'>): MemoryObjects {
  const memoryGet = objects.get.bind(objects);
  objects.get = (key: string) => (key.startsWith(ACTIVITY_PREFIX) ? bucket.get(key) : memoryGet(key));
  return objects;
}
