import { bareEtag, type Objects } from '../../services/kit/ports/objects';

/** An object under the dataset prefix, as the listing shows it. */
export interface RemoteObject {
  readonly size: number;
  readonly etag: string;
}

/**
 * Every object under the prefix, by path relative to it: one request per 1,000 objects. The
 * listing is what guards against a stale index (objects deleted or replaced by someone else).
 */
export async function listRemote(
  objects: Pick<Objects, 'list'>,
  prefix: string,
  signal?: AbortSignal,
): Promise<Map<string, RemoteObject>> {
  const found = new Map<string, RemoteObject>();
  for await (const object of objects.list(prefix, { signal })) {
    found.set(object.key.slice(prefix.length), { size: object.size, etag: bareEtag(object.etag) });
  }
  return found;
}
