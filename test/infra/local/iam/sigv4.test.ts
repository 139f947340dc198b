import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Identities } from '../../../../infra/local/iam/identities';
import { authenticate, type SignedRequest } from '../../../../infra/local/iam/sigv4';
import {
  type RecordingServer,
  type SeenRequest,
  startRecordingServer,
} from '../../../support/recording-server';

const asSigned = (seen: SeenRequest): SignedRequest => ({
  method: seen.method,
  url: seen.url,
  headers: seen.headers,
  body: seen.body,
});

describe('authenticate: Signature Version 4, checked as AWS checks it', () => {
  let server: RecordingServer;
  const identities = new Identities('000000000000');
  const alice = identities.addUser('alice', []);
  const session = identities.addRoleSession('kismo-launcher', 'local', []);

  beforeAll(async () => {
    server = await startRecordingServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/xml', etag: '"e"' });
      response.end('<ListBucketResult></ListBucketResult>');
    });
  });
  afterAll(async () => server.close());

  /** Sends with the SDK, as the CLI and the services do, and returns what the server received. */
  async function sent(
    credentials: typeof alice,
    send: (s3: S3Client) => Promise<unknown>,
  ): Promise<SeenRequest> {
    const s3 = new S3Client({
      endpoint: server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials,
    });
    const before = server.seen.length;
    await send(s3).catch(() => {});
    s3.destroy();
    const seen = server.seen[before];
    if (!seen) throw new Error('nothing was sent');
    return seen;
  }

  it('knows the caller of every kind of request the SDK signs: odd keys, queries, bodies, session tokens', async () => {
    // Prepare
    const requests = [
      await sent(alice, (s3) =>
        s3.send(new GetObjectCommand({ Bucket: 'kismo-local', Key: 'users/alice/train data/März Ü+1.csv' })),
      ),
      await sent(alice, (s3) =>
        s3.send(new ListObjectsV2Command({ Bucket: 'kismo-local', Prefix: 'users/alice/', Delimiter: '/' })),
      ),
      await sent(alice, (s3) =>
        s3.send(new PutObjectCommand({ Bucket: 'kismo-local', Key: 'users/alice/a b.txt', Body: 'hello' })),
      ),
      await sent(session, (s3) =>
        s3.send(new GetObjectCommand({ Bucket: 'kismo-local', Key: 'kismo/x.json' })),
      ),
    ];

    // Act
    const results = await Promise.all(requests.map((r) => authenticate(asSigned(r), identities)));

    // Assess
    expect(results.map((r) => ('principal' in r ? r.principal.arn : r.failure))).toEqual([
      'arn:aws:iam::000000000000:user/alice',
      'arn:aws:iam::000000000000:user/alice',
      'arn:aws:iam::000000000000:user/alice',
      'arn:aws:sts::000000000000:assumed-role/kismo-launcher/local',
    ]);
  });

  it('checks a JSON API’s signature over its body', async () => {
    // Prepare
    const events = new EventBridgeClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: session,
    });
    const before = server.seen.length;
    await events
      .send(
        new PutEventsCommand({ Entries: [{ Source: 'kismo', DetailType: 'Instance Ready', Detail: '{}' }] }),
      )
      .catch(() => {});
    events.destroy();
    const request = server.seen[before] as SeenRequest;

    // Act
    const genuine = await authenticate(asSigned(request), identities);
    const altered = await authenticate(
      { ...asSigned(request), body: Buffer.from(request.body.toString().replace('kismo', 'aws.ec2')) },
      identities,
    );

    // Assess
    expect('principal' in genuine && genuine.service).toBe('events');
    expect(altered).toMatchObject({ failure: 'SignatureDoesNotMatch' });
  });

  it('refuses unknown keys, a wrong secret, another session’s token, an altered request and a stale date', async () => {
    // Prepare
    const request = await sent(alice, (s3) =>
      s3.send(new GetObjectCommand({ Bucket: 'kismo-local', Key: 'users/alice/x' })),
    );
    const stranger = await sent({ accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' }, (s3) =>
      s3.send(new GetObjectCommand({ Bucket: 'kismo-local', Key: 'users/alice/x' })),
    );
    const wrongSecret = await sent({ ...alice, secretAccessKey: 'not the secret' }, (s3) =>
      s3.send(new GetObjectCommand({ Bucket: 'kismo-local', Key: 'users/alice/x' })),
    );
    const stolenToken = await sent({ ...session, sessionToken: 'another token' }, (s3) =>
      s3.send(new GetObjectCommand({ Bucket: 'kismo-local', Key: 'kismo/x.json' })),
    );

    // Act
    const failures = await Promise.all([
      authenticate(asSigned(stranger), identities),
      authenticate(asSigned(wrongSecret), identities),
      authenticate(asSigned(stolenToken), identities),
      authenticate(
        { ...asSigned(request), url: request.url.replace('users/alice/x', 'users/bob/x') },
        identities,
      ),
      authenticate(asSigned(request), identities, new Date(Date.now() + 16 * 60_000)),
      authenticate(
        { ...asSigned(request), headers: { ...request.headers, authorization: undefined } },
        identities,
      ),
    ]);

    // Assess
    expect(failures.map((f) => ('failure' in f ? f.failure : 'accepted'))).toEqual([
      'InvalidAccessKeyId',
      'SignatureDoesNotMatch',
      'InvalidToken',
      'SignatureDoesNotMatch',
      'RequestTimeTooSkewed',
      'MissingAuthenticationToken',
    ]);
  });
});
