/** An object read from the data bucket. */
export interface StoredObject {
  readonly key: string;
  readonly body: Uint8Array;
  readonly etag: string;
  readonly lastModified?: Date;
}

export interface ObjectSummary {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified?: Date;
}

export interface PutOptions {
  readonly contentType?: string;
  /** Write only if the object still has this ETag (optimistic concurrency). */
  readonly ifMatch?: string;
  /** `true`: write only if no object has this key yet. */
  readonly ifNoneMatch?: boolean;
}

/** The data bucket, as the services see it. */
export interface Objects {
  get(key: string): Promise<StoredObject | undefined>;
  put(key: string, body: string | Uint8Array, options?: PutOptions): Promise<{ etag: string }>;
  list(prefix: string): AsyncIterable<ObjectSummary>;
  delete(key: string): Promise<void>;
}

/** A conditional write lost its race: someone else wrote the object first. */
export class PreconditionFailedError extends Error {
  constructor(readonly key: string) {
    super(`${key} changed since it was read (precondition failed)`);
    this.name = 'PreconditionFailedError';
  }
}

/** Reads and parses a JSON object; `undefined` when it does not exist. */
export async function getJson(
  objects: Objects,
  key: string,
): Promise<{ value: unknown; etag: string } | undefined> {
  const object = await objects.get(key);
  if (!object) return undefined;
  return { value: JSON.parse(new TextDecoder().decode(object.body)), etag: object.etag };
}
