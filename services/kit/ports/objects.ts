import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
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

/** What a HEAD tells of an object without reading it. */
export interface ObjectHead {
  readonly etag: string;
  readonly size: number;
  /** User metadata (`x-amz-meta-*`), by lower-case name. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly versionId?: string;
}

export interface RequestOptions {
  /** Stops the request (and its retries). */
  readonly signal?: AbortSignal;
}

export interface PutOptions extends RequestOptions {
  readonly contentType?: string;
  /** Write only if the object still has this ETag (optimistic concurrency). */
  readonly ifMatch?: string;
  /** `true`: write only if no object has this key yet. */
  readonly ifNoneMatch?: boolean;
  /** User metadata, stored as `x-amz-meta-<name>`. */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * The body's SHA-256 in hex, when the caller has it: S3 keeps it as the object's checksum and
   * refuses a body that does not match, and the request is signed with it (nothing hashes twice).
   */
  readonly sha256?: string;
}

export interface ListOptions extends RequestOptions {
  /** Keys per request (S3's MaxKeys). @default 1000 */
  readonly pageSize?: number;
}

/** The data bucket, as the services see it. */
export interface Objects {
  get(key: string, options?: RequestOptions): Promise<StoredObject | undefined>;
  put(key: string, body: string | Uint8Array, options?: PutOptions): Promise<{ etag: string }>;
  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectSummary>;
  delete(key: string): Promise<void>;
}

/** One part of a multipart upload, as S3 confirmed it. */
export interface UploadedPart {
  readonly partNumber: number;
  readonly etag: string;
  /** The part's SHA-256, base64 (what S3 checked it against). */
  readonly sha256: string;
}

/**
 * The data bucket as the CLI's push and the local cloud use it: the services' port, plus HEADs,
 * the folders under a prefix, batch deletes and multipart uploads. One adapter serves both.
 */
export interface DataBucket extends Objects {
  /** The object's ETag, size and metadata; `undefined` when there is none. */
  head(key: string, options?: RequestOptions): Promise<ObjectHead | undefined>;
  /** The prefixes one level below `prefix` (`prefix` ends in `/`): S3's common prefixes. */
  folders(prefix: string, options?: RequestOptions): AsyncIterable<string>;
  /** Deletes up to 1,000 keys in one request; rejects, naming the first, if any is refused. */
  deleteMany(keys: readonly string[], options?: RequestOptions): Promise<void>;
  /** Starts a multipart upload whose parts carry SHA-256 checksums; resolves to its upload id. */
  startUpload(
    key: string,
    options?: { readonly metadata?: Readonly<Record<string, string>> },
  ): Promise<string>;
  /** Sends one part, with its SHA-256 (base64), which S3 checks; resolves to the part's ETag. */
  uploadPart(
    key: string,
    uploadId: string,
    part: { readonly partNumber: number; readonly body: Uint8Array; readonly sha256: string },
    options?: RequestOptions,
  ): Promise<string>;
  /** Joins the parts into the object; resolves to its ETag. */
  completeUpload(
    key: string,
    uploadId: string,
    parts: readonly UploadedPart[],
    options?: RequestOptions,
  ): Promise<string>;
  abortUpload(key: string, uploadId: string): Promise<void>;
  /**
   * Streams an object's body from byte `from` on, only if its ETag is still `ifMatch` when given
   * (`PreconditionFailedError` otherwise: it changed since a download began); `undefined` when
   * there is none.
   */
  download(
    key: string,
    options?: RequestOptions & { readonly from?: number; readonly ifMatch?: string },
  ): Promise<{ readonly body: AsyncIterable<Uint8Array>; readonly etag: string } | undefined>;
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
  objects: Pick<Objects, 'get'>,
  key: string,
): Promise<{ value: unknown; etag: string } | undefined> {
  const object = await objects.get(key);
  if (!object) return undefined;
  return { value: JSON.parse(new TextDecoder().decode(object.body)), etag: object.etag };
}

/** ETags come quoted from some calls and not others; compare them bare. */
export function bareEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/"/g, '');
}

interface SdkError {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const nameOf = (error: unknown): string | undefined => (error as SdkError | undefined)?.name;
const statusOf = (error: unknown): number | undefined =>
  (error as SdkError | undefined)?.$metadata?.httpStatusCode;

/**
 * No such key: S3 answers NoSuchKey to a GET and a bare 404 (`NotFound`) to a HEAD. A missing
 * bucket is not an empty one: NoSuchBucket stays an error.
 */
const isMissing = (error: unknown): boolean =>
  nameOf(error) === 'NoSuchKey' || (statusOf(error) === 404 && nameOf(error) !== 'NoSuchBucket');

// 412 is a lost If-Match / If-None-Match; ConditionalRequestConflict (409) is two conditional
// writes racing on the same key: either way someone else wrote first, and the caller must re-read.
const isPreconditionFailed = (error: unknown): boolean => {
  const name = nameOf(error);
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || statusOf(error) === 412;
};

/** 403s that are about the caller's keys or clock, not about what they may read. */
const NOT_ABOUT_ACCESS = /^(Invalid|Signature|RequestTime|Expired|TokenRefresh)/;

/**
 * S3's answer to a read it refuses, or that it may not say is of a missing key: AccessDenied, or a
 * bare 403 (a HEAD's answer has no body to name its error).
 */
const isForbidden = (error: unknown): boolean =>
  nameOf(error) === 'AccessDenied' ||
  (statusOf(error) === 403 && !NOT_ABOUT_ACCESS.test(nameOf(error) ?? ''));

/** A key of '' would address the bucket itself; that is always a bug upstream. */
const requireKey = (key: string): string => {
  if (key === '') throw new Error('an object key must not be empty');
  return key;
};

const toBody = (body: string | Uint8Array): Uint8Array =>
  typeof body === 'string' ? new TextEncoder().encode(body) : body;

const hexToBase64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

const signedByChecksum = new WeakSet<S3Client>();

/**
 * A body sent with its SHA-256 as checksum (`x-amz-checksum-sha256`, base64) is signed with that
 * same hash (`x-amz-content-sha256`, hex), which SigV4 then takes as it finds it instead of hashing
 * the body once more. Added to the client once: a middleware per command would rebuild the
 * command's stack on every request.
 */
function signWithChecksum(client: S3Client): void {
  if (signedByChecksum.has(client)) return;
  signedByChecksum.add(client);
  client.middlewareStack.add(
    (next) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers;
      const checksum = headers?.['x-amz-checksum-sha256'];
      if (headers && checksum && !headers['x-amz-content-sha256']) {
        headers['x-amz-content-sha256'] = Buffer.from(checksum, 'base64').toString('hex');
      }
      return next(args);
    },
    { step: 'build', name: 'kismoSignWithChecksum' },
  );
}

/** DeleteObjects takes at most this many keys. */
export const MAX_DELETE_KEYS = 1000;

/**
 * The data bucket on S3: the services' `Objects` port and the CLI's `DataBucket` alike.
 *
 * @param client an S3 client built by the caller (region, credentials, endpoint)
 * @param bucket the bucket every key is relative to
 */
export function s3Objects(client: S3Client, bucket: string): DataBucket {
  signWithChecksum(client);
  const at = (key: string) => ({ Bucket: bucket, Key: requireKey(key) });
  /**
   * A read, with "no such key" as `undefined`. S3 answers 403, not 404, for a key that does not
   * exist to a caller who may not list the whole bucket (users may list their own prefix only):
   * "not there yet" (a first push's sync record, a status before the journal writes it) then looks
   * like "denied". A listing of the key itself tells them apart: not listed, not there; listed, it
   * may have arrived since, so the read is made once more, and a second 403 is a refusal. A
   * refused listing says nothing more: the 403 stands.
   */
  async function readUnlessMissing<T>(key: string, signal: AbortSignal | undefined, read: () => Promise<T>) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        if (isMissing(error)) return undefined;
        if (!isForbidden(error) || attempt > 1) throw error;
        let listed: boolean;
        try {
          const page = await client.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }),
            {
              abortSignal: signal,
            },
          );
          listed = page.Contents?.[0]?.Key === key;
        } catch {
          throw error;
        }
        if (!listed) return undefined;
      }
    }
  }
  /** ListObjectsV2, page after page (the SDK's paginator takes no abort signal). */
  async function* pages(
    query: { Prefix: string; Delimiter?: string; MaxKeys?: number },
    signal?: AbortSignal,
  ): AsyncIterable<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, ...query, ContinuationToken: token }),
        { abortSignal: signal },
      );
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return {
    async get(key, options = {}) {
      return readUnlessMissing(key, options.signal, async () => {
        const output = await client.send(new GetObjectCommand(at(key)), { abortSignal: options.signal });
        const body = output.Body ? await output.Body.transformToByteArray() : new Uint8Array();
        return { key, body, etag: output.ETag ?? '', lastModified: output.LastModified };
      });
    },

    async download(key, options = {}) {
      try {
        const output = await client.send(
          new GetObjectCommand({
            ...at(key),
            ...(options.from ? { Range: `bytes=${options.from}-` } : {}),
            ...(options.ifMatch ? { IfMatch: options.ifMatch } : {}),
          }),
          { abortSignal: options.signal },
        );
        const body = (output.Body as AsyncIterable<Uint8Array> | undefined) ?? (async function* () {})();
        return { body, etag: bareEtag(output.ETag ?? '') };
      } catch (error) {
        if (isMissing(error)) return undefined;
        if (nameOf(error) === 'PreconditionFailed' || statusOf(error) === 412) {
          throw new PreconditionFailedError(key);
        }
        throw error;
      }
    },

    async put(key, body, options = {}) {
      try {
        const output = await client.send(
          new PutObjectCommand({
            ...at(key),
            Body: toBody(body),
            ContentType: options.contentType,
            IfMatch: options.ifMatch,
            IfNoneMatch: options.ifNoneMatch ? '*' : undefined,
            Metadata: options.metadata ? { ...options.metadata } : undefined,
            ChecksumSHA256: options.sha256 ? hexToBase64(options.sha256) : undefined,
          }),
          { abortSignal: options.signal },
        );
        return { etag: output.ETag ?? '' };
      } catch (error) {
        if (isPreconditionFailed(error)) throw new PreconditionFailedError(key);
        throw error;
      }
    },

    async head(key, options = {}) {
      return readUnlessMissing(key, options.signal, async () => {
        const output = await client.send(new HeadObjectCommand(at(key)), { abortSignal: options.signal });
        return {
          etag: output.ETag ?? '',
          size: output.ContentLength ?? 0,
          metadata: output.Metadata ?? {},
          ...(output.VersionId ? { versionId: output.VersionId } : {}),
        };
      });
    },

    async *list(prefix, options = {}) {
      for await (const page of pages({ Prefix: prefix, MaxKeys: options.pageSize }, options.signal)) {
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

    async *folders(prefix, options = {}) {
      for await (const page of pages({ Prefix: prefix, Delimiter: '/' }, options.signal)) {
        for (const common of page.CommonPrefixes ?? []) if (common.Prefix) yield common.Prefix;
      }
    },

    async delete(key) {
      await client.send(new DeleteObjectCommand(at(key)));
    },

    async deleteMany(keys, options = {}) {
      if (keys.length === 0) return;
      if (keys.length > MAX_DELETE_KEYS)
        throw new Error(`DeleteObjects takes at most ${MAX_DELETE_KEYS} keys`);
      // Not `Quiet`: S3 then reports each deletion, which the local cloud turns into events.
      const answer = await client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.map((key) => ({ Key: requireKey(key) })) },
        }),
        { abortSignal: options.signal },
      );
      const failed = answer.Errors ?? [];
      const first = failed[0];
      if (first) {
        throw new Error(
          `S3 could not delete ${failed.length} objects (${first.Key}: ${first.Code} ${first.Message})`,
        );
      }
    },

    async startUpload(key, options = {}) {
      const created = await client.send(
        new CreateMultipartUploadCommand({
          ...at(key),
          ChecksumAlgorithm: 'SHA256',
          Metadata: options.metadata ? { ...options.metadata } : undefined,
        }),
      );
      if (!created.UploadId) throw new Error(`S3 gave no upload id for ${key}`);
      return created.UploadId;
    },

    async uploadPart(key, uploadId, part, options = {}) {
      const answer = await client.send(
        new UploadPartCommand({
          ...at(key),
          UploadId: uploadId,
          PartNumber: part.partNumber,
          Body: part.body,
          ContentLength: part.body.length,
          ChecksumSHA256: part.sha256,
        }),
        { abortSignal: options.signal },
      );
      return bareEtag(answer.ETag);
    },

    async completeUpload(key, uploadId, parts, options = {}) {
      const completed = await client.send(
        new CompleteMultipartUploadCommand({
          ...at(key),
          UploadId: uploadId,
          MultipartUpload: {
            Parts: parts.map((part) => ({
              PartNumber: part.partNumber,
              ETag: `"${part.etag}"`,
              ChecksumSHA256: part.sha256,
            })),
          },
        }),
        { abortSignal: options.signal },
      );
      return bareEtag(completed.ETag);
    },

    async abortUpload(key, uploadId) {
      await client.send(new AbortMultipartUploadCommand({ ...at(key), UploadId: uploadId }));
    },
  };
}

/** Sockets per client: the idle monitor reads 64 activity hours at a time (the SDK's default is 50). */
export const OBJECT_SOCKETS = 64;

export const makeObjects: PortMaker<Objects> = (config) =>
  s3Objects(
    new S3Client({ region: config.region, requestHandler: { httpsAgent: { maxSockets: OBJECT_SOCKETS } } }),
    config.bucket,
  );
