import http, { type IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import {
  PreconditionFailedError,
  type PutOptions,
  type StoredObject,
} from '../../services/kit/ports/objects';
import { EMPTY_SHA256, sha256Hex, signS3Request } from './sigv4';

/**
 * Small objects in the data bucket — kismo's sync records, manifests, session status, and a
 * dataset's small files — read and written with single signed requests. The AWS SDK's S3 client
 * takes about 100 ms to load and warm up, then about 1 ms of CPU a request: `kismo status` and an
 * unchanged `kismo push` never load it, and a push of 20,000 small files spends its CPU on the
 * files. Listings, multipart uploads and deletions stay with the SDK.
 */
export interface SmallObjects {
  /** The object, or `undefined` when there is none. */
  get(key: string, signal?: AbortSignal): Promise<StoredObject | undefined>;
  /** Writes the object with its SHA-256 as checksum; a lost condition is a {@link PreconditionFailedError}. */
  put(key: string, body: string | Uint8Array, options?: SmallPutOptions): Promise<{ etag: string }>;
  /** The object's ETag and user metadata (`x-amz-meta-*`), or `undefined` when there is none. */
  head(key: string, signal?: AbortSignal): Promise<ObjectHead | undefined>;
  /** Resolves when the bucket answers a HEAD; rejects with why not. */
  checkBucket(): Promise<void>;
  close(): void;
}

export interface SmallPutOptions extends PutOptions {
  readonly signal?: AbortSignal;
  /** User metadata, sent as `x-amz-meta-<name>` headers. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** The body's SHA-256 in hex, when the caller computed it already (it is not hashed again). */
  readonly sha256?: string;
}

export interface ObjectHead {
  readonly etag: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface BucketAddress {
  readonly bucket: string;
  readonly region: string;
  /** An S3-compatible endpoint (the local cloud), addressed path-style; absent: AWS S3, virtual-hosted. */
  readonly endpoint?: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** S3 answered with an error: its HTTP status and error code, shaped like the SDK's errors. */
export class S3RequestError extends Error {
  readonly $metadata: { readonly httpStatusCode: number };
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode: status };
  }
}

interface SendOptions {
  readonly body?: Buffer;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
  /** The body's hex SHA-256, if known. */
  readonly sha256?: string;
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

const ATTEMPTS = 3;
/** Statuses S3 asks a client to retry: throttling and server errors. */
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Network failures worth another attempt (the SDK's transient errors). */
const RETRY_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
const TIMEOUT_MS = 30_000;

export function smallObjects(address: BucketAddress): SmallObjects {
  const base = bucketUrl(address);
  // TLS only where it is used: node:https loads Node's TLS stack (~1.5 ms), which the local cloud never needs.
  const client = base.protocol === 'https:' ? process.getBuiltinModule('node:https') : http;
  const agent = new client.Agent({ keepAlive: true });
  const credentials = async () =>
    typeof address.credentials === 'function' ? address.credentials() : address.credentials;

  const once = async (method: string, key: string, options: SendOptions): Promise<Answer> => {
    const { body, headers = {}, signal } = options;
    // The path as S3 keys it, literally: a URL would fold `.` and `..` segments into another key.
    const path = `${base.pathname}${encodeKey(key)}`;
    const signed = signS3Request(
      {
        method,
        path,
        headers: { host: base.host, ...(body ? { 'content-length': String(body.length) } : {}), ...headers },
        payloadHash: options.sha256 ?? (body ? sha256Hex(body) : EMPTY_SHA256),
      },
      address.region,
      await credentials(),
    );
    return new Promise<Answer>((resolve, reject) => {
      const request = client.request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path,
          method,
          agent,
          headers: signed,
          signal,
          timeout: TIMEOUT_MS,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      request.on('timeout', () =>
        request.destroy(
          Object.assign(new Error(`no answer from ${base.host} in 30 s`), { code: 'ETIMEDOUT' }),
        ),
      );
      request.on('error', reject);
      request.end(body);
    });
  };

  const send = async (method: string, key: string, options: SendOptions = {}): Promise<Answer> => {
    for (let attempt = 1; ; attempt++) {
      let failure: unknown;
      try {
        const answer = await once(method, key, options);
        if (!RETRY_STATUSES.has(answer.status)) return answer;
        failure = answerError(answer, method, key);
      } catch (error) {
        if (!RETRY_CODES.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
        failure = error;
      }
      if (attempt >= ATTEMPTS || options.signal?.aborted) throw failure;
      // Full jitter over 100 ms, 200 ms: the SDK's standard backoff.
      await sleep(Math.random() * 100 * 2 ** (attempt - 1), undefined, { signal: options.signal });
    }
  };

  return {
    async get(key, signal) {
      const answer = await send('GET', requireKey(key), { signal });
      if (answer.status === 200) {
        return {
          key,
          body: new Uint8Array(answer.body),
          etag: String(answer.headers.etag ?? ''),
          lastModified: answer.headers['last-modified']
            ? new Date(answer.headers['last-modified'])
            : undefined,
        };
      }
      const error = answerError(answer, 'GET', key);
      // No such key; but a missing bucket is not an empty one.
      if (answer.status === 404 && error.code !== 'NoSuchBucket') return undefined;
      throw error;
    },

    async put(key, body, options = {}) {
      const bytes =
        typeof body === 'string'
          ? Buffer.from(body)
          : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      const hash = options.sha256 ?? sha256Hex(bytes);
      // S3 refuses a body that does not match its checksum, and keeps the checksum with the object.
      const headers: Record<string, string> = {
        'x-amz-checksum-sha256': Buffer.from(hash, 'hex').toString('base64'),
      };
      if (options.contentType) headers['content-type'] = options.contentType;
      if (options.ifMatch) headers['if-match'] = options.ifMatch;
      if (options.ifNoneMatch) headers['if-none-match'] = '*';
      for (const [name, value] of Object.entries(options.metadata ?? {}))
        headers[`x-amz-meta-${name.toLowerCase()}`] = value;
      const answer = await send('PUT', requireKey(key), {
        body: bytes,
        headers,
        signal: options.signal,
        sha256: hash,
      });
      if (answer.status === 200) return { etag: String(answer.headers.etag ?? '') };
      const error = answerError(answer, 'PUT', key);
      // A lost If-Match / If-None-Match, or two conditional writes racing on the key.
      if (answer.status === 412 || error.code === 'ConditionalRequestConflict') {
        throw new PreconditionFailedError(key);
      }
      throw error;
    },

    async head(key, signal) {
      const answer = await send('HEAD', requireKey(key), { signal });
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) throw answerError(answer, 'HEAD', key);
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name.slice(11)] = value;
      }
      return { etag: String(answer.headers.etag ?? ''), metadata };
    },

    async checkBucket() {
      const answer = await send('HEAD', '');
      if (answer.status !== 200) throw answerError(answer, 'HEAD', address.bucket);
    },

    close() {
      agent.destroy();
    },
  };
}

/** The bucket's root URL, ending in `/`: path-style on a custom endpoint, virtual-hosted on AWS. */
export function bucketUrl({ bucket, region, endpoint }: BucketAddress): URL {
  if (endpoint) return new URL(`${endpoint.replace(/\/+$/, '')}/${encodeURIComponent(bucket)}/`);
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://${bucket}.s3.${region}.${domain}/`);
}

/** Each segment RFC 3986-encoded, as SigV4 wants it; the slashes stay. */
function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

const requireKey = (key: string): string => {
  if (key === '') throw new Error('an object key must not be empty');
  return key;
};

/** What S3 means by a status without an error document (a HEAD's answers). */
const BARE_STATUS: Record<number, string> = { 301: 'PermanentRedirect', 403: 'Forbidden', 404: 'NotFound' };

/** S3's error document (`<Error><Code>…</Code><Message>…</Message></Error>`) as an error. */
function answerError(answer: Answer, method: string, key: string): S3RequestError {
  const text = answer.body.toString('utf8');
  const code =
    /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? BARE_STATUS[answer.status] ?? `Http${answer.status}`;
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? `HTTP ${answer.status}`;
  return new S3RequestError(answer.status, code, `${method} ${key}: ${code}: ${message}`);
}
