import { createHash } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { s3Objects } from '../../../services/kit/ports/objects';
import type { HttpRequest, HttpResponse } from '../../../services/slack-actions/answer';
import type { Principal } from '../iam/principal';
import { keysToDelete } from '../iam/s3-access';
import { localS3Client } from '../resources';
import { decodeKey, escapeXml } from '../s3-text';
import type { Guard, Refusal } from './guard';
import { IdentityApis } from './identity-apis';
import { classifyS3Write, deletedKeys, preconditionFailedXml, type S3Write } from './s3-writes';
import {
  listVersionsXml,
  NULL_VERSION,
  newVersionId,
  pageVersions,
  shadowBucket,
  shadowKey,
  type VersionRecord,
  type VersionStore,
} from './versions';

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
  /** IAM: every request authenticated and authorized. @default none: anyone may do anything */
  readonly guard?: Guard;
  /** The account and region ARNs name (the bus's, the queues'). */
  readonly account: string;
  /** The outputs of the local cloud's stand-in for the `kismo` stack (`kismo init` reads them). */
  readonly stackOutputs: () => Readonly<Record<string, string>>;
  /** Slack's button presses, posted to `/slack/actions` as Slack posts them to the function URL. */
  readonly slackActions?: (request: HttpRequest) => Promise<HttpResponse>;
  /**
   * Buckets versioned as the data bucket is on AWS, and their histories (`versions.ts`); their
   * shadow buckets must exist. @default none
   */
  readonly versioning?: { readonly buckets: readonly string[]; readonly store: VersionStore };
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
 * successful object write as S3's EventBridge integration would, and serves the bus's PutEvents
 * and who-am-I (STS, IAM's user tags, the stack's outputs, Identity Center's portal).
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const locks = new KeyLocks();
  // One pool of kept-alive connections to fauxqs: a push of thousands of files must not open
  // (and exhaust) a connection per request, or a HEAD fails and its S3 event is lost.
  const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  // The gateway's own reads of what a write left (for its event, for a precondition).
  const upstreamS3 = localS3Client(options.upstream, options.region);
  const identity = new IdentityApis(
    { region: options.region, account: options.account, stackOutputs: options.stackOutputs },
    options.guard,
  );
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
    if (target.startsWith('AmazonSQS.'))
      return answerSqs(request, response, target.slice('AmazonSQS.'.length));
    if (identity.serves(request)) return identity.answer(request, response, await readBody(request));
    if (options.slackActions && new URL(request.url ?? '/', 'http://local').pathname === '/slack/actions') {
      const body = await readBody(request);
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value[0] : value,
        ]),
      );
      const answered = await options.slackActions({
        method: request.method ?? 'GET',
        headers,
        body: body.toString('utf8'),
      });
      response.writeHead(answered.status, { 'content-type': 'text/plain' });
      response.end(answered.body);
      return;
    }
    let principal: Principal | undefined;
    if (options.guard) {
      const verdict = await options.guard.s3(request);
      if ('refusal' in verdict) {
        await drain(request);
        return sendS3Error(response, verdict.refusal, request.method === 'HEAD');
      }
      principal = verdict.principal;
    }
    const versioned = versionedRequest(request);
    // IAM judged it above (s3:GetObjectVersion, s3:ListBucketVersions), as S3 does.
    if (versioned) return answerVersioned(request, response, versioned);
    const write = classifyS3Write(request);
    if (!write) {
      const guard = options.guard;
      const bucket = objectRead(request);
      // S3 says "no such key" only to callers who may list the whole bucket; others get 403.
      const missing =
        guard && principal && bucket
          ? async () => ((await guard.hidesMissingKeys(principal, bucket)) ? accessDenied : undefined)
          : undefined;
      await forward(request, response, { onMissing: missing, extraHeaders: currentVersionHeader(request) });
      return;
    }
    if (write.kind === 'delete-many' && ((options.guard && principal) || isVersioned(write.bucket))) {
      return deleteMany(request, response, write.bucket, options.guard, principal);
    }
    const lockKey = 'key' in write ? `${write.bucket}/${write.key}` : undefined;
    const release = lockKey ? await locks.acquire(lockKey) : () => {};
    try {
      if ('key' in write && !(await preconditionsHold(request, response, write.bucket, write.key))) return;
      // A versioned bucket keeps what a write replaces, and names the version it makes. The body is
      // read first: a client that goes away while the old version is kept must not leave fauxqs
      // holding the key for a body that never comes.
      const version = 'key' in write && isVersioned(write.bucket) ? newVersionId() : undefined;
      const raw = version ? await readBody(request) : undefined;
      if (version && 'key' in write) await preserve(write.bucket, write.key);
      const headers: Record<string, string> = version ? { 'x-amz-version-id': version } : {};
      if (version && write.kind === 'delete') headers['x-amz-delete-marker'] = 'true';
      const answer = await forward(request, response, {
        keepBody: write.kind === 'delete-many',
        extraHeaders: headers,
        raw,
      });
      if (answer.status >= 200 && answer.status < 300) await report(write, request, answer, version);
    } finally {
      release();
    }
  }

  /** A GET or HEAD of a versioned object answers with the current version's id, as S3 does. */
  function currentVersionHeader(request: IncomingMessage): Record<string, string> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return {};
    const [bucket, ...rest] = new URL(request.url ?? '/', 'http://local').pathname.slice(1).split('/');
    const key = decodeKey(rest.join('/'));
    if (!bucket || !key || !isVersioned(bucket)) return {};
    const current = options.versioning?.store.current(bucket, key);
    return current && !current.deleteMarker ? { 'x-amz-version-id': current.versionId } : {};
  }

  function isVersioned(bucket: string): boolean {
    return options.versioning?.buckets.includes(bucket) ?? false;
  }

  /** What a request reads of a versioned bucket's history; `undefined` for every other request. */
  function versionedRequest(request: IncomingMessage) {
    if (!options.versioning) return undefined;
    const url = new URL(request.url ?? '/', 'http://local');
    const [bucket, ...rest] = url.pathname.slice(1).split('/');
    if (!bucket || !isVersioned(bucket)) return undefined;
    const key = decodeKey(rest.join('/'));
    const query = url.searchParams;
    if (!key && request.method === 'GET' && query.has('versions'))
      return { kind: 'list' as const, bucket, query };
    const versionId = query.get('versionId');
    if (!key || versionId === null) return undefined;
    if (request.method === 'GET' || request.method === 'HEAD')
      return { kind: 'read' as const, bucket, key, versionId };
    if (request.method === 'DELETE') return { kind: 'delete' as const, bucket, key, versionId };
    return undefined;
  }

  async function answerVersioned(
    request: IncomingMessage,
    response: ServerResponse,
    what: NonNullable<ReturnType<typeof versionedRequest>>,
  ): Promise<void> {
    const store = options.versioning?.store as VersionStore;
    const head = request.method === 'HEAD';
    if (what.kind === 'list') {
      await drain(request);
      const prefix = what.query.get('prefix') ?? '';
      const maxKeys = Math.min(Number(what.query.get('max-keys') ?? 1000) || 1000, 1000);
      const keyMarker = what.query.get('key-marker') ?? undefined;
      const versionIdMarker = what.query.get('version-id-marker') ?? undefined;
      const histories = new Map(
        store.keys(what.bucket, prefix).map((key) => [key, [...store.history(what.bucket, key)]]),
      );
      // Objects written before the bucket had a history are each one version, `null`.
      for await (const object of s3Objects(upstreamS3, what.bucket).list(prefix)) {
        if (histories.has(object.key)) continue;
        histories.set(object.key, [
          {
            versionId: NULL_VERSION,
            etag: object.etag,
            size: object.size,
            lastModified: (object.lastModified ?? new Date()).toISOString(),
          },
        ]);
      }
      const listing = pageVersions(
        [...histories].map(([key, versions]) => ({ key, versions })),
        { keyMarker, versionIdMarker, maxKeys },
      );
      const body = listVersionsXml(what.bucket, { prefix, keyMarker, versionIdMarker, maxKeys }, listing);
      response.writeHead(200, {
        'content-type': 'application/xml',
        'content-length': String(Buffer.byteLength(body)),
      });
      response.end(body);
      return;
    }
    if (what.kind === 'delete') {
      await drain(request);
      return sendS3Error(
        response,
        {
          status: 501,
          code: 'NotImplemented',
          message:
            'the local cloud does not delete single versions (kismo never does; on AWS the lifecycle rule expires them)',
        },
        false,
      );
    }
    const history = store.history(what.bucket, what.key);
    const current = history.at(-1);
    const record: VersionRecord | undefined =
      store.find(what.bucket, what.key, what.versionId) ??
      (what.versionId === NULL_VERSION && history.length === 0
        ? { versionId: NULL_VERSION, lastModified: new Date().toISOString() }
        : undefined);
    if (!record) {
      await drain(request);
      return sendS3Error(
        response,
        { status: 404, code: 'NoSuchVersion', message: 'The specified version does not exist.' },
        head,
      );
    }
    if (record.deleteMarker) {
      await drain(request);
      response.writeHead(405, {
        'x-amz-delete-marker': 'true',
        'x-amz-version-id': record.versionId,
        'content-type': 'application/xml',
      });
      response.end(
        head
          ? undefined
          : '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>MethodNotAllowed</Code><Message>The specified method is not allowed against this resource.</Message></Error>',
      );
      return;
    }
    const isCurrent = record === current || history.length === 0;
    const url = new URL(request.url ?? '/', 'http://local');
    url.searchParams.delete('versionId');
    const where = isCurrent
      ? `/${what.bucket}/${encodePath(what.key)}`
      : `/${shadowBucket(what.bucket)}/${encodePath(shadowKey(what.key, record.versionId))}`;
    await forward(request, response, {
      path: `${where}${url.search}`,
      extraHeaders: { 'x-amz-version-id': record.versionId },
    });
  }

  /**
   * Copy on write: before a write or a delete replaces the key's current object, that object is
   * kept in the shadow bucket under its version id (`null` for one written before the history).
   */
  async function preserve(bucket: string, key: string): Promise<void> {
    const store = options.versioning?.store as VersionStore;
    const current = store.current(bucket, key);
    if (current?.deleteMarker || (!current && store.complete)) return;
    const found = current ? undefined : await head(bucket, key);
    if (!current && !found) return;
    const versionId = current?.versionId ?? NULL_VERSION;
    await upstreamS3.send(
      new CopyObjectCommand({
        Bucket: shadowBucket(bucket),
        Key: shadowKey(key, versionId),
        CopySource: `${bucket}/${encodePath(key)}`,
      }),
    );
    if (!current && found) {
      store.add(bucket, key, {
        versionId: NULL_VERSION,
        etag: found.etag,
        size: found.size,
        lastModified: new Date().toISOString(),
      });
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
    if (options.guard) {
      const verdict = await options.guard.json(request, raw, () => putEventsChecks(operation, parsed));
      if ('refusal' in verdict) return sendJsonError(response, verdict.refusal);
    }
    const { status, body } = await options.eventBridge(operation, parsed);
    sendJson(response, status, body);
  }

  /** PutEvents is authorized once per bus it names, with every entry's source and detail type. */
  function putEventsChecks(operation: string, body: unknown) {
    const entries = Array.isArray((body as { Entries?: unknown }).Entries)
      ? (body as { Entries: Record<string, unknown>[] }).Entries
      : [];
    const buses = new Map<string, Record<string, unknown>[]>();
    for (const entry of entries) {
      const name = typeof entry.EventBusName === 'string' ? entry.EventBusName : 'default';
      const arn = name.startsWith('arn:')
        ? name
        : `arn:aws:events:${options.region}:${options.account}:event-bus/${name}`;
      buses.set(arn, [...(buses.get(arn) ?? []), entry]);
    }
    return [...buses].map(([resource, onBus]) => ({
      action: `events:${operation}`,
      resource,
      context: {
        'events:source': onBus.map((e) => String(e.Source ?? '')),
        'events:detail-type': onBus.map((e) => String(e.DetailType ?? '')),
      },
    }));
  }

  /** SQS's JSON protocol, authorized on the queue it names, then served by fauxqs. */
  async function answerSqs(request: IncomingMessage, response: ServerResponse, operation: string) {
    const raw = await readBody(request);
    if (options.guard) {
      let parsed: { QueueUrl?: unknown; QueueName?: unknown } = {};
      try {
        parsed = JSON.parse(raw.toString('utf8') || '{}');
      } catch {
        return sendJsonError(response, {
          status: 400,
          code: 'SerializationException',
          message: 'the body is not JSON',
        });
      }
      const name =
        typeof parsed.QueueUrl === 'string'
          ? parsed.QueueUrl.split('/').at(-1)
          : typeof parsed.QueueName === 'string'
            ? parsed.QueueName
            : undefined;
      const resource = name ? `arn:aws:sqs:${options.region}:${options.account}:${name}` : '*';
      const verdict = await options.guard.json(request, raw, () => [
        { action: `sqs:${operation}`, resource },
      ]);
      if ('refusal' in verdict) return sendJsonError(response, verdict.refusal);
    }
    await forward(request, response, { body: raw });
  }

  /**
   * DeleteObjects, as S3 does it for a caller who may delete some keys and not others: the keys
   * it may go, each refused one is an AccessDenied error in the answer.
   */
  async function deleteMany(
    request: IncomingMessage,
    response: ServerResponse,
    bucket: string,
    guard: Guard | undefined,
    principal: Principal | undefined,
  ): Promise<void> {
    const xml = (await readBody(request)).toString('utf8');
    const { allowed, denied } =
      guard && principal
        ? await guard.deletable(principal, bucket, xml)
        : { allowed: keysToDelete(xml), denied: [] as string[] };
    const refused = denied
      .map(
        (key) =>
          `<Error><Key>${escapeXml(key)}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`,
      )
      .join('');
    if (allowed.length === 0) {
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.end(`<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult>${refused}</DeleteResult>`);
      return;
    }
    const quiet = /<Quiet>\s*true\s*<\/Quiet>/.test(xml) ? '<Quiet>true</Quiet>' : '';
    const body = Buffer.from(
      `<Delete>${quiet}${allowed.map((key) => `<Object><Key>${escapeXml(key)}</Key></Object>`).join('')}</Delete>`,
    );
    const versioned = isVersioned(bucket);
    const releases = versioned
      ? await Promise.all(allowed.map((key) => locks.acquire(`${bucket}/${key}`)))
      : [];
    try {
      for (const key of versioned ? allowed : []) await preserve(bucket, key);
      const answer = await forward(request, response, {
        body,
        keepBody: true,
        rewrite: (text) => text.replace(/<\/DeleteResult>\s*$/, `${refused}</DeleteResult>`),
      });
      if (answer.status >= 200 && answer.status < 300)
        await report({ kind: 'delete-many', bucket }, request, answer, versioned ? 'per-key' : undefined);
    } finally {
      for (const release of releases) release();
    }
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

  /**
   * Reports a write as S3's event, and records the version it made in a versioned bucket
   * (`version`: its id; `per-key` for a DeleteObjects, each key a delete marker of its own).
   */
  async function report(
    write: S3Write,
    request: IncomingMessage,
    answer: Forwarded,
    version?: string,
  ): Promise<void> {
    const store = options.versioning?.store;
    const marker = (key: string, versionId: string) =>
      store?.add(write.bucket, key, {
        versionId,
        deleteMarker: true,
        lastModified: new Date().toISOString(),
      });
    if (write.kind === 'delete-many') {
      for (const key of deletedKeys(answer.body?.toString('utf8') ?? '')) {
        // A key that held nothing (already deleted) gets no second marker.
        if (version) marker(key, newVersionId());
        await options.onObjectChange({ type: 'deleted', bucket: write.bucket, key, reason: 'DeleteObject' });
      }
      return;
    }
    if (write.kind === 'delete') {
      if (version) marker(write.key, version);
      await options.onObjectChange({
        type: 'deleted',
        bucket: write.bucket,
        key: write.key,
        reason: 'DeleteObject',
      });
      return;
    }
    // A PutObject's answer and request say what it stored; a copy or a completed upload, a HEAD.
    const stored =
      (write.kind === 'put' && write.reason === 'PutObject' && storedByPut(request, answer)) ||
      (await headWithRetries(write.bucket, write.key));
    if (!stored) return;
    const current = version ? { ...stored, versionId: version } : stored;
    if (version) {
      store?.add(write.bucket, write.key, {
        versionId: version,
        etag: current.etag,
        size: current.size,
        lastModified: new Date().toISOString(),
      });
    }
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

  /**
   * Streams a request to fauxqs and its answer back; keeps the answer's body only when asked.
   * `body`: a request body already read (sent instead of the stream, with its length and MD5).
   * `rewrite`: the answer's body is read whole and changed before it goes back.
   * `onMissing`: for a 404, another answer to give instead, if it says so.
   */
  function forward(
    request: IncomingMessage,
    response: ServerResponse,
    how: {
      readonly keepBody?: boolean;
      readonly body?: Buffer;
      readonly rewrite?: (text: string) => string;
      readonly onMissing?: () => Promise<Refusal | undefined>;
      /** Another path upstream than the request's (a version kept in the shadow bucket). */
      readonly path?: string;
      /** Headers added to a successful answer (a version's id). */
      readonly extraHeaders?: Readonly<Record<string, string>>;
      /** The request's body, read already, sent as it came (its headers untouched). */
      readonly raw?: Buffer;
    } = {},
  ): Promise<Forwarded> {
    return new Promise((resolve, reject) => {
      const upstream = new URL(options.upstream);
      const headers = { ...request.headers };
      if (how.body) {
        headers['content-length'] = String(how.body.length);
        // A rewritten body has another checksum: the one S3 checks is sent for the body as it is.
        for (const name of Object.keys(headers)) if (name.startsWith('x-amz-checksum-')) delete headers[name];
        delete headers['x-amz-sdk-checksum-algorithm'];
        delete headers['transfer-encoding'];
        headers['content-md5'] = createHash('md5').update(how.body).digest('base64');
      }
      const outgoing = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: how.path ?? request.url,
          headers,
          agent: upstreamAgent,
        },
        (answer) => {
          const status = answer.statusCode ?? 502;
          const relay = async () => {
            const instead = status === 404 && how.onMissing ? await how.onMissing() : undefined;
            if (instead) {
              answer.resume();
              sendS3Error(response, instead, request.method === 'HEAD');
              answer.on('end', () => resolve({ status: instead.status, headers: {} }));
              return;
            }
            const chunks: Buffer[] = [];
            const extra = status >= 200 && status < 300 ? (how.extraHeaders ?? {}) : {};
            if (!how.rewrite) response.writeHead(status, { ...answer.headers, ...extra });
            answer.on('data', (chunk: Buffer) => {
              if (how.keepBody || how.rewrite) chunks.push(chunk);
              if (!how.rewrite) response.write(chunk);
            });
            answer.on('end', () => {
              const body = Buffer.concat(chunks);
              if (how.rewrite) {
                const text = Buffer.from(how.rewrite(body.toString('utf8')));
                const { 'content-length': _, ...rest } = answer.headers;
                response.writeHead(status, { ...rest, ...extra, 'content-length': String(text.length) });
                response.end(text);
              } else {
                response.end();
              }
              resolve({ status, headers: answer.headers, body: how.keepBody ? body : undefined });
            });
            answer.on('error', reject);
          };
          relay().catch(reject);
        },
      );
      outgoing.on('error', reject);
      if (how.body) outgoing.end(how.body);
      else if (how.raw) outgoing.end(how.raw);
      else {
        // A client that goes away mid-body (Ctrl-C) must not leave fauxqs waiting for the rest, and
        // its key locked: the upstream request goes too.
        const gone = () => {
          if (!request.complete) outgoing.destroy(new Error('the client closed the request before its end'));
        };
        if (request.destroyed) gone();
        else request.on('close', gone);
        request.pipe(outgoing);
      }
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

/** The whole body; rejects when the client goes away before its end, so nothing waits for the rest. */
function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
    request.on('close', () => {
      if (!request.complete) reject(new Error('the client closed the request before its end'));
    });
  });
}

async function drain(request: IncomingMessage): Promise<void> {
  await readBody(request);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

const accessDenied: Refusal = { status: 403, code: 'AccessDenied', message: 'Access Denied' };

/** The bucket of a GET or HEAD of an object, whose 404 IAM may turn into a 403. */
function objectRead(request: IncomingMessage): string | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const [bucket, ...key] = new URL(request.url ?? '/', 'http://local').pathname.slice(1).split('/');
  return bucket && key.join('/') ? bucket : undefined;
}

/** S3's error document (a HEAD's answer has no body). */
function sendS3Error(response: ServerResponse, refusal: Refusal, head: boolean): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${escapeXml(refusal.message)}</Message><RequestId>${createHash('md5').update(String(Math.random())).digest('hex').slice(0, 16).toUpperCase()}</RequestId></Error>`;
  response.writeHead(refusal.status, {
    'content-type': 'application/xml',
    'content-length': head ? '0' : String(Buffer.byteLength(body)),
  });
  response.end(head ? undefined : body);
}

/** The JSON APIs' error (`__type`, as the AWS SDK reads it). */
function sendJsonError(response: ServerResponse, refusal: Refusal): void {
  sendJson(response, refusal.status, { __type: refusal.code, message: refusal.message });
}

/** A key as a URL path: each segment percent-encoded, the slashes kept. */
function encodePath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
