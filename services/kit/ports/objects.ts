import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import type { PortMaker } from './maker';

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

interface SdkError {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const statusOf = (error: unknown): number | undefined =>
  (error as SdkError | undefined)?.$metadata?.httpStatusCode;

// S3 answers NoSuchKey; S3-compatible servers (the local cloud) may send a bare 404 without the code.
const isMissing = (error: unknown): boolean =>
  error instanceof NoSuchKey ||
  (error as SdkError | undefined)?.name === 'NotFound' ||
  statusOf(error) === 404;

// 412 is a lost If-Match / If-None-Match; ConditionalRequestConflict (409) is two conditional
// writes racing on the same key:
// either way someone else wrote first, and the caller must re-read.
const isPreconditionFailed = (error: unknown): boolean => {
  const name = (error as SdkError | undefined)?.name;
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || statusOf(error) === 412;
};

/** A key of '' would address the bucket itself; that is always a bug upstream. */
const requireKey = (key: string): string => {
  if (key === '') throw new Error('an object key must not be empty');
  return key;
};

const toBody = (body: string | Uint8Array): Uint8Array =>
  typeof body === 'string' ? new TextEncoder().encode(body) : body;

/**
 * The data bucket on S3.
 *
 * @param client an S3 client built by the caller (region, credentials, endpoint)
 * @param bucket the bucket every key is relative to
 */
export function s3Objects(client: S3Client, bucket: string): Objects {
  return {
    async get(key: string): Promise<StoredObject | undefined> {
      try {
        const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: requireKey(key) }));
        const body = output.Body ? await output.Body.transformToByteArray() : new Uint8Array();
        return { key, body, etag: output.ETag ?? '', lastModified: output.LastModified };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },

    async put(key: string, body: string | Uint8Array, options: PutOptions = {}): Promise<{ etag: string }> {
      try {
        const output = await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: requireKey(key),
            Body: toBody(body),
            ContentType: options.contentType,
            IfMatch: options.ifMatch,
            IfNoneMatch: options.ifNoneMatch ? '*' : undefined,
          }),
        );
        return { etag: output.ETag ?? '' };
      } catch (error) {
        if (isPreconditionFailed(error)) throw new PreconditionFailedError(key);
        throw error;
      }
    },

    async *list(prefix: string): AsyncIterable<ObjectSummary> {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
        for (const object of page.Contents ?? []) {
          if (!object.Key) continue;
          yield {
            key: object.Key,
            size: object.Size ?? 0,
            etag: object.ETag ?? '',
            lastModified: object.LastModified,
          };
        }
      }
    },

    async delete(key: string): Promise<void> {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: requireKey(key) }));
    },
  };
}

export const makeObjects: PortMaker<Objects> = (config) =>
  s3Objects(new S3Client({ region: config.region }), config.bucket);
