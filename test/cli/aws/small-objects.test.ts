import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketUrl, S3RequestError, type SmallObjects, smallObjects } from '../../../cli/aws/small-objects';
import { PreconditionFailedError } from '../../../services/kit/ports/objects';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { type Answer, type RecordingServer, startRecordingServer } from '../../support/recording-server';
import { s3ErrorXml, signatureCheckingS3 } from '../../support/sigv4-verifier';

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'AKIDSMALLOBJECTS', secretAccessKey: 'the-right-secret' };
const SPECIAL_KEYS = [
  'plain/record.json',
  'with spaces/a b.json',
  'ünïcødé/日本語.json',
  "punctuation/!'()*.json",
  'plus/a+b=c.json',
];

const text = (body: Uint8Array | undefined) => Buffer.from(body ?? []).toString('utf8');

const clientOf = (endpoint: string, credentials = CREDENTIALS) =>
  smallObjects({ bucket: 'kismo-test', region: REGION, endpoint, credentials });

describe('where small objects are addressed', () => {
  it('uses path style on an endpoint, and virtual-hosted HTTPS on AWS, in the right partition', () => {
    // Prepare
    const credentials = { accessKeyId: 'a', secretAccessKey: 's' };

    // Act
    const local = bucketUrl({
      bucket: 'kismo-local',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4566/',
      credentials,
    });
    const aws = bucketUrl({ bucket: 'kismo-data-1a2b', region: 'eu-west-1', credentials });
    const china = bucketUrl({ bucket: 'kismo-data-1a2b', region: 'cn-north-1', credentials });

    // Assess
    expect(local.href).toBe('http://127.0.0.1:4566/kismo-local/');
    expect(aws.href).toBe('https://kismo-data-1a2b.s3.eu-west-1.amazonaws.com/');
    expect(china.href).toBe('https://kismo-data-1a2b.s3.cn-north-1.amazonaws.com.cn/');
  });
});

describe('small objects, against the local cloud', () => {
  let test: TestCloud;
  let s3: S3Client;
  let objects: SmallObjects;

  beforeAll(async () => {
    test = await startTestCloud({ services: [] });
    s3 = test.cloud.s3();
    const { bucket, region, endpoint, credentials } = test.cloud;
    objects = smallObjects({ bucket, region, endpoint, credentials });
  });
  afterAll(async () => {
    s3.destroy();
    objects.close();
    await test.stop();
  });

  it('reads back the bytes and the ETag it wrote', async () => {
    // Prepare
    const body = JSON.stringify({ files: 3, note: 'déjà vu' });

    // Act
    const { etag } = await objects.put('round-trip/record.json', body, { contentType: 'application/json' });
    const read = await objects.get('round-trip/record.json');

    // Assess
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(read).toMatchObject({ key: 'round-trip/record.json', etag });
    expect(text(read?.body)).toBe(body);
  });

  it('answers undefined for a key with no object', async () => {
    // Act
    const read = await objects.get('nothing/here.json');

    // Assess
    expect(read).toBeUndefined();
  });

  it('refuses to create a key that already has an object', async () => {
    // Prepare
    await objects.put('create-once/record.json', '{"v":1}', { ifNoneMatch: true });

    // Act
    const second = objects.put('create-once/record.json', '{"v":2}', { ifNoneMatch: true });

    // Assess
    await expect(second).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(text((await objects.get('create-once/record.json'))?.body)).toBe('{"v":1}');
  });

  it('overwrites only the version whose ETag it was given', async () => {
    // Prepare
    const first = await objects.put('optimistic/record.json', '{"v":1}');
    const second = await objects.put('optimistic/record.json', '{"v":2}');

    // Act
    const stale = objects.put('optimistic/record.json', '{"v":"stale"}', { ifMatch: first.etag });
    await expect(stale).rejects.toBeInstanceOf(PreconditionFailedError);
    const current = await objects.put('optimistic/record.json', '{"v":3}', { ifMatch: second.etag });

    // Assess
    const read = await objects.get('optimistic/record.json');
    expect(read?.etag).toBe(current.etag);
    expect(text(read?.body)).toBe('{"v":3}');
  });

  it.each(SPECIAL_KEYS)('writes %s where the SDK reads it, with its SHA-256 checksum', async (key) => {
    // Prepare
    const body = JSON.stringify({ key });

    // Act
    const { etag } = await objects.put(key, body, { contentType: 'application/json' });
    const read = await objects.get(key);
    const viaSdk = await s3.send(
      new GetObjectCommand({ Bucket: test.cloud.bucket, Key: key, ChecksumMode: 'ENABLED' }),
    );

    // Assess
    expect(read?.etag).toBe(etag);
    expect(text(read?.body)).toBe(body);
    expect(viaSdk.ETag).toBe(etag);
    expect(await viaSdk.Body?.transformToString()).toBe(body);
    expect(viaSdk.ChecksumSHA256).toBe(createHash('sha256').update(body).digest('base64'));
  });

  it('finds the bucket, and says when there is none', async () => {
    // Prepare
    const { region, endpoint, credentials } = test.cloud;
    const elsewhere = smallObjects({ bucket: 'no-such-bucket', region, endpoint, credentials });

    // Act
    const found = objects.checkBucket();
    const missing = elsewhere.checkBucket().finally(() => elsewhere.close());

    // Assess
    await expect(found).resolves.toBeUndefined();
    await expect(missing).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('does not take a missing bucket for a missing object', async () => {
    // Prepare
    const { region, endpoint, credentials } = test.cloud;
    const elsewhere = smallObjects({ bucket: 'no-such-bucket', region, endpoint, credentials });

    // Act
    const read = elsewhere.get('users/ada/sync/data.json').finally(() => elsewhere.close());

    // Assess
    await expect(read).rejects.toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
  });

  it('writes a key with a dot segment under that key, as S3 and the SDK do', async () => {
    // Act
    await objects.put('sessions/../escape.json', '{}');

    // Assess
    const viaSdk = s3.send(
      new GetObjectCommand({ Bucket: test.cloud.bucket, Key: 'sessions/../escape.json' }),
    );
    await expect(viaSdk).resolves.toMatchObject({ ETag: expect.any(String) });
    await expect(objects.get('escape.json')).resolves.toBeUndefined();
  });
});

describe('small objects, signed as S3 checks signatures', () => {
  let server: RecordingServer;

  beforeAll(async () => {
    const secrets = { [CREDENTIALS.accessKeyId]: CREDENTIALS.secretAccessKey };
    server = await startRecordingServer(signatureCheckingS3({ region: REGION, secrets }));
  });
  afterAll(() => server.close());

  it.each(SPECIAL_KEYS)('signs the PUT and the GET of %s', async (key) => {
    // Prepare
    const objects = clientOf(server.endpoint);

    try {
      // Act
      await objects.put(key, `{"key":${JSON.stringify(key)}}`, {
        contentType: 'application/json',
        ifNoneMatch: true,
      });
      const read = await objects.get(key);

      // Assess
      expect(text(read?.body)).toBe(`{"key":${JSON.stringify(key)}}`);
    } finally {
      objects.close();
    }
  });

  it('signs the HEAD of the bucket', async () => {
    // Prepare
    const objects = clientOf(server.endpoint);

    // Act
    const checked = objects.checkBucket().finally(() => objects.close());

    // Assess
    await expect(checked).resolves.toBeUndefined();
  });

  it('fails verification when signed with the wrong secret', async () => {
    // Prepare
    const objects = clientOf(server.endpoint, { ...CREDENTIALS, secretAccessKey: 'a-wrong-secret' });

    // Act
    const read = objects.get('plain/record.json').finally(() => objects.close());

    // Assess
    await expect(read).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      message: expect.stringContaining('signature mismatch'),
      $metadata: { httpStatusCode: 403 },
    });
  });
});

describe('small objects, when S3 or the network fails', () => {
  /** A client on a server answering with `answer`; both are closed once `act` settles. */
  async function against<T>(answer: Answer, act: (objects: SmallObjects) => Promise<T>) {
    const server = await startRecordingServer(answer);
    const objects = clientOf(server.endpoint);
    try {
      const outcome = await act(objects).then(
        (value) => ({ value, error: undefined }),
        (error: unknown) => ({ value: undefined, error }),
      );
      return { ...outcome, requests: server.seen.length };
    } finally {
      objects.close();
      await server.close();
    }
  }

  const fail =
    (status: number, code: string): Answer =>
    (_, response) =>
      response.writeHead(status, { 'content-type': 'application/xml' }).end(s3ErrorXml(code, 'no'));

  it('retries a 503 and gets the object on the third attempt', async () => {
    // Act
    const { value, requests } = await against(
      (request, response, n) =>
        n < 3
          ? fail(503, 'SlowDown')(request, response, n)
          : response.writeHead(200, { etag: '"e"' }).end('{}'),
      (objects) => objects.get('retried.json'),
    );

    // Assess
    expect(value).toMatchObject({ key: 'retried.json', etag: '"e"' });
    expect(text(value?.body)).toBe('{}');
    expect(requests).toBe(3);
  });

  it('gives up on a 503 after three attempts', async () => {
    // Act
    const { error, requests } = await against(fail(503, 'SlowDown'), (objects) => objects.get('busy.json'));

    // Assess
    expect(error).toBeInstanceOf(S3RequestError);
    expect(error).toMatchObject({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    expect(requests).toBe(3);
  });

  it('reports a 403 with its S3 error code, without retrying', async () => {
    // Act
    const { error, requests } = await against(fail(403, 'AccessDenied'), (objects) =>
      objects.put('denied.json', '{}'),
    );

    // Assess
    expect(error).toBeInstanceOf(S3RequestError);
    expect(error).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(requests).toBe(1);
  });

  it('reports a refused connection once its attempts are spent', async () => {
    // Prepare
    const closed = await startRecordingServer(() => {});
    await closed.close();
    const objects = clientOf(closed.endpoint);

    // Act
    const read = objects.get('nobody-listens.json').finally(() => objects.close());

    // Assess
    await expect(read).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('stops a get when its signal is aborted', async () => {
    // Prepare
    const controller = new AbortController();

    // Act
    const { error, requests } = await against(
      () => controller.abort(),
      (objects) => objects.get('slow.json', controller.signal),
    );

    // Assess
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(requests).toBe(1);
  });
});
