import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { s3Objects } from '../../../services/kit/ports/objects';
import { localS3Client } from '../resources';
import { classifyS3Write, deletedKeys, preconditionFailedXml, type S3Write } from './s3-writes';

/** A change to an object, as S3 would report it to EventBridge. */
export interface ObjectChange {
  readonly type: 'created' | 'deleted';
  readonly bucket: string;
  readonly key: string;
  readonly reason: 'PutObject' | 'CopyObject' | 'CompleteMultipartUpload' | 'DeleteObject';
  readonly size?: number;
  readonly etag?: string;
  readonly versionId?: string;
}

export interface GatewayOptions {
  /** fauxqs, on its internal loopback port. */
  readonly upstream: string;
  readonly region: string;
  readonly port: number;
  /** Answers EventBridge's JSON protocol (`X-Amz-Target: AWSEvents.*`). */
  readonly eventBridge: (operation: string, body: unknown) => Promise<{ status: number; body: unknown }>;
  readonly onObjectChange: (change: ObjectChange) => Promise<void>;
  /** Failures that happen after a client got its answer. @default written to stderr */
  readonly onError?: (error: Error) => void;
}

const defaultOnError = (error: Error) => process.stderr.write(`kismo local cloud: ${error.message}\n`);

export interface Gateway {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The one port clients use. It binds 127.0.0.1, forwards S3 and SQS to fauxqs, enforces S3's
 * conditional writes (fauxqs accepts `If-Match`/`If-None-Match` but ignores them), reports every
 * successful object write as S3's EventBridge integration would, and serves the bus's PutEvents.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const locks = new KeyLocks();
  // One pool of kept-alive connections to fauxqs: a push of thousands of files must not open
  // (and exhaust) a connection per request, or a HEAD fails and its S3 event is lost.
  const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  // The gateway's own reads of what a write left (for its event, for a precondition).
  const upstreamS3 = localS3Client(options.upstream, options.region);
  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      // After the answer went out, the failure is ours (an event not made): say it, loudly.
      if (response.headersSent) return (options.onError ?? defaultOnError)(error);
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`local cloud gateway error: ${error.message}`);
    });
  });
  server.keepAliveTimeout = 5_000;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target.startsWith('AWSEvents.'))
      return answerEventBridge(request, response, target.slice('AWSEvents.'.length));
    const write = classifyS3Write(request);
    if (!write) {
      await forward(request, response);
      return;
    }
    const lockKey = 'key' in write ? `${write.bucket}/${write.key}` : undefined;
    const release = lockKey ? await locks.acquire(lockKey) : () => {};
    try {
      if ('key' in write && !(await preconditionsHold(request, response, write.bucket, write.key))) return;
      const answer = await forward(request, response, write.kind === 'delete-many');
      if (answer.status >= 200 && answer.status < 300) await report(write, request, answer);
    } finally {
      release();
    }
  }

  async function answerEventBridge(request: IncomingMessage, response: ServerResponse, operation: string) {
    const raw = await readBody(request);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8') || '{}');
    } catch {
      return sendJson(response, 400, { __type: 'SerializationException', message: 'the body is not JSON' });
    }
    const { status, body } = await options.eventBridge(operation, parsed);
    sendJson(response, status, body);
  }

  /** Checks `If-None-Match: *` and `If-Match` against the current object before the write goes through. */
  async function preconditionsHold(
    request: IncomingMessage,
    response: ServerResponse,
    bucket: string,
    key: string,
  ) {
    const ifNoneMatch = request.headers['if-none-match'];
    const ifMatch = request.headers['if-match'];
    if (!ifNoneMatch && !ifMatch) return true;
    const current = await head(bucket, key);
    const failed =
      (ifNoneMatch === '*' && current !== undefined) ||
      (ifMatch !== undefined &&
        (current === undefined || stripQuotes(current.etag) !== stripQuotes(String(ifMatch))));
    if (!failed) return true;
    await drain(request);
    if (ifMatch !== undefined && current === undefined) {
      response.writeHead(404, { 'content-type': 'application/xml' });
      response.end(
        `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`,
      );
    } else {
      response.writeHead(412, { 'content-type': 'application/xml' });
      response.end(preconditionFailedXml(key, ifMatch !== undefined ? 'If-Match' : 'If-None-Match'));
    }
    return false;
  }

  async function report(write: S3Write, request: IncomingMessage, answer: Forwarded): Promise<void> {
    if (write.kind === 'delete-many') {
      for (const key of deletedKeys(answer.body?.toString('utf8') ?? '')) {
        await options.onObjectChange({ type: 'deleted', bucket: write.bucket, key, reason: 'DeleteObject' });
      }
      return;
    }
    if (write.kind === 'delete') {
      await options.onObjectChange({
        type: 'deleted',
        bucket: write.bucket,
        key: write.key,
        reason: 'DeleteObject',
      });
      return;
    }
    // A PutObject's answer and request say what it stored; a copy or a completed upload, a HEAD.
    const current =
      (write.kind === 'put' && write.reason === 'PutObject' && storedByPut(request, answer)) ||
      (await headWithRetries(write.bucket, write.key));
    if (!current) return;
    await options.onObjectChange({
      type: 'created',
      bucket: write.bucket,
      key: write.key,
      reason: write.kind === 'put' ? write.reason : 'CompleteMultipartUpload',
      ...current,
    });
  }

  /** The object as stored now; `undefined` when it is gone. */
  async function head(bucket: string, key: string) {
    const found = await s3Objects(upstreamS3, bucket).head(key);
    return (
      found && {
        etag: found.etag,
        size: found.size,
        ...(found.versionId ? { versionId: found.versionId } : {}),
      }
    );
  }

  /** A write that succeeded must become its event: a failed look-up is retried, never dropped quietly. */
  async function headWithRetries(bucket: string, key: string) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await head(bucket, key);
      } catch (error) {
        if (attempt >= 5) {
          throw new Error(`the S3 event for ${bucket}/${key} could not be made: ${(error as Error).message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      }
    }
  }

  /** Streams a request to fauxqs and its answer back; keeps the answer's body only when asked. */
  function forward(request: IncomingMessage, response: ServerResponse, keepBody = false): Promise<Forwarded> {
    return new Promise((resolve, reject) => {
      const upstream = new URL(options.upstream);
      const outgoing = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
          agent: upstreamAgent,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => {
            if (keepBody) chunks.push(chunk);
            response.write(chunk);
          });
          answer.on('end', () => {
            response.end();
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              body: keepBody ? Buffer.concat(chunks) : undefined,
            });
          });
          answer.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      request.pipe(outgoing);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        upstreamAgent.destroy();
        upstreamS3.destroy();
      }),
  };
}

/** fauxqs's answer to a forwarded request. */
interface Forwarded {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Kept only when asked for. */
  readonly body?: Buffer;
}

/**
 * What a successful PutObject stored, from its request (the body's length, before any aws-chunked
 * encoding) and its answer (ETag, version); `undefined` when they do not say.
 */
function storedByPut(request: IncomingMessage, answer: Forwarded) {
  const length = request.headers['x-amz-decoded-content-length'] ?? request.headers['content-length'];
  const etag = answer.headers.etag;
  const size = Number(length);
  if (typeof etag !== 'string' || length === undefined || !Number.isSafeInteger(size)) return undefined;
  const version = answer.headers['x-amz-version-id'];
  return { etag, size, ...(typeof version === 'string' ? { versionId: version } : {}) };
}

/** One write at a time per key, so a conditional check and its write are atomic. */
class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

function stripQuotes(etag: string): string {
  return etag.replace(/^W\//, '').replace(/"/g, '');
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

async function drain(request: IncomingMessage): Promise<void> {
  await readBody(request);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}
