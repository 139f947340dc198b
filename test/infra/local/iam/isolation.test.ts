// Who may do what on the strict local cloud, request by request, with the policies the stack
// deploys: alice signed in as an IAM user and as an Identity Center user (a session of the
// KismoUser permission set's role), both tagged kismo-owner=alice; alice's instance with its
// owner's role; and people whose identity carries no kismo-owner tag. Each row is a real request
// through the gateway; the allowed set is everything kismo's commands and bootstrap need, the
// denied set everything of bob's and of kismo's own.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignIn } from '../../../../infra/local/iam/local-iam';
import type { Credentials } from '../../../../infra/local/iam/principal';
import { startTestCloud, type TestCloud } from '../../../support/local-cloud';

const SESSION = '20261130-010000-alice1';
const BOBS = '20261130-010000-bobbo1';

type Request = (s3: S3Client, bucket: string) => Promise<unknown>;
const get =
  (Key: string): Request =>
  (s3, Bucket) =>
    s3.send(new GetObjectCommand({ Bucket, Key }));
const head =
  (Key: string): Request =>
  (s3, Bucket) =>
    s3.send(new HeadObjectCommand({ Bucket, Key }));
const put =
  (Key: string): Request =>
  (s3, Bucket) =>
    s3.send(new PutObjectCommand({ Bucket, Key, Body: '{}' }));
const del =
  (Key: string): Request =>
  (s3, Bucket) =>
    s3.send(new DeleteObjectCommand({ Bucket, Key }));
const list =
  (Prefix?: string, Delimiter?: string): Request =>
  (s3, Bucket) =>
    s3.send(new ListObjectsV2Command({ Bucket, Prefix, Delimiter }));
/** GetObject of a version: the current one's id, read first (S3 checks s3:GetObjectVersion). */
const getVersion =
  (Key: string, VersionId?: string): Request =>
  async (s3, Bucket) =>
    s3.send(
      new GetObjectCommand({
        Bucket,
        Key,
        VersionId: VersionId ?? (await s3.send(new HeadObjectCommand({ Bucket, Key }))).VersionId,
      }),
    );
const listVersions =
  (Prefix?: string): Request =>
  (s3, Bucket) =>
    s3.send(new ListObjectVersionsCommand({ Bucket, Prefix }));
const multipart =
  (Key: string): Request =>
  (s3, Bucket) =>
    s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));

/** What a request got: `allowed`, `denied` (S3's 403), or the error S3 answered with. */
async function outcome(
  credentials: Credentials,
  cloud: TestCloud['cloud'],
  request: Request,
): Promise<string> {
  const s3 = new S3Client({
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials,
    forcePathStyle: true,
  });
  try {
    await request(s3, cloud.bucket);
    return 'allowed';
  } catch (error) {
    const { name, $metadata } = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return name === 'AccessDenied' ||
      ($metadata?.httpStatusCode === 403 && !name.startsWith('Invalid') && !name.startsWith('Signature'))
      ? 'denied'
      : name;
  } finally {
    s3.destroy();
  }
}

/** Everything push, status, ls, stop, start, down, keep, doctor and cost ask of S3 for an owner. */
const requestsOf = (owner: string): [string, Request][] => [
  ['pushes: writes a dataset file', put(`users/${owner}/datasets/mnist/new.csv`)],
  ['pushes: sends a large file in parts', multipart(`users/${owner}/datasets/mnist/big.bin`)],
  ['pushes: reads the sync record', get(`users/${owner}/sync/mnist.json`)],
  ['pushes: lists the dataset (--verify)', list(`users/${owner}/datasets/mnist/`)],
  ['pushes: checks an object by HEAD', head(`users/${owner}/datasets/mnist/train.csv`)],
  ['pushes: deletes a file gone locally', del(`users/${owner}/datasets/mnist/old.csv`)],
  ['pushes: writes the manifest', put(`users/${owner}/sessions/20261130-020000-alice2/manifest.json`)],
  ['status: reads status.json', get(`users/${owner}/sessions/${SESSION}/status.json`)],
  ['ls: lists the sessions', list(`users/${owner}/sessions/`, '/')],
  [
    'stop, start, down, keep: write a request',
    put(`users/${owner}/sessions/${SESSION}/requests/r-stop.json`),
  ],
  ['doctor: lists the own prefix', list(`users/${owner}/`)],
  ['cost: reads a ledger of her own', get(`kismo/costs/${owner}/${SESSION}.json`)],
  ['cost: lists her own ledgers', list(`kismo/costs/${owner}/`)],
  [
    'pushes: a file named with * and ?, which S3 keys may hold',
    put(`users/${owner}/datasets/mnist/a*b?.csv`),
  ],
];

/** Everything of bob's and of kismo's own. */
const ALICE_MAY_NOT: [string, Request][] = [
  ['read bob’s dataset', get('users/bob/datasets/secret/plans.csv')],
  ['read bob’s status', get(`users/bob/sessions/${BOBS}/status.json`)],
  ['list bob’s prefix', list('users/bob/')],
  ['write into bob’s datasets', put('users/bob/datasets/secret/evil.csv')],
  ['request a session for bob', put(`users/bob/sessions/${BOBS}/manifest.json`)],
  ['stop bob’s session', put(`users/bob/sessions/${BOBS}/requests/r-stop.json`)],
  ['delete bob’s dataset', del('users/bob/datasets/secret/plans.csv')],
  ['read kismo’s own state', get('kismo/keep-alive/i-0123456789abcdef0.json')],
  ['write kismo’s own state', put('kismo/keep-alive/i-0123456789abcdef0.json')],
  ['list kismo’s own state', list('kismo/')],
  ['write her own ledger', put(`kismo/costs/alice/${SESSION}.json`)],
  ['delete her own ledger', del(`kismo/costs/alice/${SESSION}.json`)],
  ['read bob’s ledger', get(`kismo/costs/bob/${BOBS}.json`)],
  ['list bob’s ledgers', list('kismo/costs/bob/')],
  ['list every owner’s ledgers', list('kismo/costs/')],
  ['list the whole bucket', list()],
  ['list with a prefix that reaches past her own', list('users/')],
  ['write a key whose * would match her folder, were it a pattern', put('users/*/datasets/evil.csv')],
  [
    'read a key whose ? would match bob’s folder, were it a pattern',
    get('users/?ob/datasets/secret/plans.csv'),
  ],
  ['list a prefix whose * would match her folder, were it a pattern', list('users/*/')],
  [
    'HeadBucket (it needs ListBucket on the whole bucket)',
    (s3, Bucket) => s3.send(new HeadBucketCommand({ Bucket })),
  ],
];

/** Both ways a person signs in: each must be held to the same rows. */
const SIGN_INS: [string, SignIn][] = [
  ['an IAM user', 'iam-user'],
  ['an Identity Center user', 'identity-center'],
];

describe('isolation between owners on the strict local cloud', () => {
  let test: TestCloud;
  let alice: Credentials;
  let aliceInstance: Credentials;

  beforeAll(async () => {
    test = await startTestCloud({ users: ['alice', 'bob'] });
    alice = test.cloud.addUser('alice');
    const s3 = test.cloud.s3();
    for (const key of [
      'users/alice/datasets/mnist/train.csv',
      `users/alice/sessions/${SESSION}/manifest.json`,
      `users/alice/sessions/${SESSION}/status.json`,
      `users/alice/sessions/${SESSION}/dataset.tsv`,
      'users/alice/sync/mnist.json',
      'users/bob/datasets/secret/plans.csv',
      `users/bob/sessions/${BOBS}/manifest.json`,
      `users/bob/sessions/${BOBS}/status.json`,
      'kismo/keep-alive/i-0123456789abcdef0.json',
      `kismo/costs/alice/${SESSION}.json`,
      `kismo/costs/bob/${BOBS}.json`,
    ]) {
      await s3.send(new PutObjectCommand({ Bucket: test.cloud.bucket, Key: key, Body: '{}' }));
    }
    s3.destroy();
    const instance = await test.cloud.ec2.launch({
      clientToken: SESSION,
      instanceType: 'g4dn.xlarge',
      userData: '#!/bin/bash\n',
      tags: { 'kismo:managed': 'true', 'kismo:owner': 'alice', 'kismo:session': SESSION },
      instanceProfile: 'kismo-owner-alice',
    });
    aliceInstance = test.cloud.instanceCredentials(instance.instanceId);
  });
  afterAll(async () => test.stop());

  describe.each(SIGN_INS)('alice, signed in as %s', (_kind, signIn) => {
    let alice: Credentials;
    beforeAll(() => {
      alice = test.cloud.addUser('alice', { signIn });
    });

    it.each(requestsOf('alice'))('may: %s', async (_what, request) => {
      expect(await outcome(alice, test.cloud, request)).toBe('allowed');
    });

    it.each(ALICE_MAY_NOT)('may not: %s', async (_what, request) => {
      expect(await outcome(alice, test.cloud, request)).toBe('denied');
    });

    it('deletes, of a batch, only the keys alice may delete, and names each other one', async () => {
      // Act
      const s3 = new S3Client({
        endpoint: test.cloud.endpoint,
        region: test.cloud.region,
        credentials: alice,
        forcePathStyle: true,
      });
      const answer = await s3.send(
        new DeleteObjectsCommand({
          Bucket: test.cloud.bucket,
          Delete: {
            Objects: [
              { Key: 'users/alice/datasets/mnist/new.csv' },
              { Key: 'users/bob/datasets/secret/plans.csv' },
            ],
          },
        }),
      );
      s3.destroy();

      // Assess
      expect(answer.Deleted?.map((d) => d.Key)).toEqual(['users/alice/datasets/mnist/new.csv']);
      expect(answer.Errors).toEqual([
        expect.objectContaining({ Key: 'users/bob/datasets/secret/plans.csv', Code: 'AccessDenied' }),
      ]);
      expect(await outcome(alice, test.cloud, get('users/bob/datasets/secret/plans.csv'))).toBe('denied');
      const operator = test.cloud.s3();
      const kept = await operator.send(
        new GetObjectCommand({ Bucket: test.cloud.bucket, Key: 'users/bob/datasets/secret/plans.csv' }),
      );
      operator.destroy();
      expect(kept.$metadata.httpStatusCode).toBe(200);
    });

    it('answers alice 403, not 404, for a key of her own that is not there, as S3 does', async () => {
      expect(await outcome(alice, test.cloud, get('users/alice/sync/not-yet.json'))).toBe('denied');
      expect(await outcome(alice, test.cloud, head('users/alice/sync/not-yet.json'))).toBe('denied');
    });
  });

  describe.each(SIGN_INS)('dave, signed in as %s that carries no kismo-owner tag', (_kind, signIn) => {
    let dave: Credentials;
    beforeAll(() => {
      dave = test.cloud.addUser('dave', { signIn, owner: null });
    });

    it.each([
      ...requestsOf('dave').map(([what, request]): [string, Request] => [`${what}, as dave`, request]),
      ...requestsOf('alice').map(([what, request]): [string, Request] => [`${what}, as alice`, request]),
      ...ALICE_MAY_NOT,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a key named like IAM's variable, as an attacker would try
      ['write a key named after the policy variable', put('users/${aws:PrincipalTag/kismo-owner}/x')],
    ])('is denied: %s', async (_what, request) => {
      expect(await outcome(dave, test.cloud, request)).toBe('denied');
    });
  });

  it('gives a kismo-owner tag with a slash in it no folder: an owner is one folder under users/', async () => {
    // Prepare
    const mallory = test.cloud.addUser('mallory', { owner: 'bob/datasets' });

    // Act
    const read = await outcome(mallory, test.cloud, get('users/bob/datasets/secret/plans.csv'));
    const listed = await outcome(mallory, test.cloud, list('users/bob/datasets/'));

    // Assess
    expect([read, listed]).toEqual(['denied', 'denied']);
  });

  it.each<[string, Request]>([
    ['reads the owner’s dataset', get('users/alice/datasets/mnist/train.csv')],
    ['lists the owner’s dataset', list('users/alice/datasets/mnist/')],
    ['reads the session’s manifest', get(`users/alice/sessions/${SESSION}/manifest.json`)],
    ['writes ready.json', put(`users/alice/sessions/${SESSION}/ready.json`)],
    ['writes failed.json', put(`users/alice/sessions/${SESSION}/failed.json`)],
    ['writes finished.json', put(`users/alice/sessions/${SESSION}/finished.json`)],
    ['uploads outputs', put(`users/alice/sessions/${SESSION}/outputs/model.pt`)],
    ['uploads large outputs in parts', multipart(`users/alice/sessions/${SESSION}/outputs/big.pt`)],
    ['reads the session’s pinned files', get(`users/alice/sessions/${SESSION}/dataset.tsv`)],
    ['reads a version of the owner’s dataset', getVersion('users/alice/datasets/mnist/train.csv')],
    ['lists the versions of the owner’s dataset', listVersions('users/alice/datasets/mnist/')],
  ])('alice’s instance may: %s', async (_what, request) => {
    expect(await outcome(aliceInstance, test.cloud, request)).toBe('allowed');
  });

  it.each<[string, Request]>([
    ['read bob’s dataset', get('users/bob/datasets/secret/plans.csv')],
    ['list bob’s datasets', list('users/bob/datasets/')],
    ['read bob’s manifest', get(`users/bob/sessions/${BOBS}/manifest.json`)],
    ['write bob’s markers', put(`users/bob/sessions/${BOBS}/ready.json`)],
    ['write bob’s outputs', put(`users/bob/sessions/${BOBS}/outputs/x`)],
    ['rewrite the session’s status', put(`users/alice/sessions/${SESSION}/status.json`)],
    ['request a session', put('users/alice/sessions/20261130-030000-alice3/manifest.json')],
    ['write into the owner’s datasets', put('users/alice/datasets/mnist/train.csv')],
    ['read kismo’s own state', get('kismo/keep-alive/i-0123456789abcdef0.json')],
    ['list the whole bucket', list()],
    ['read a version of bob’s dataset', getVersion('users/bob/datasets/secret/plans.csv', 'null')],
    ['list the versions of bob’s datasets', listVersions('users/bob/datasets/')],
    ['list every version in the bucket', listVersions()],
    ['write the session’s pinned files', put(`users/alice/sessions/${SESSION}/dataset.tsv`)],
  ])('alice’s instance may not: %s', async (_what, request) => {
    expect(await outcome(aliceInstance, test.cloud, request)).toBe('denied');
  });

  it('lets no person, of either kind, tagged or not, and no instance publish on the bus', async () => {
    // Prepare
    const publishers = [
      alice,
      test.cloud.addUser('alice', { signIn: 'identity-center' }),
      test.cloud.addUser('dave', { owner: null }),
      test.cloud.addUser('dave', { signIn: 'identity-center', owner: null }),
      aliceInstance,
    ];

    // Act
    const attempts = await Promise.all(
      publishers.map(async (credentials) => {
        const events = new EventBridgeClient({
          endpoint: test.cloud.endpoint,
          region: test.cloud.region,
          credentials,
        });
        try {
          await events.send(
            new PutEventsCommand({
              Entries: [
                { EventBusName: 'kismo', Source: 'kismo', DetailType: 'Instance Ready', Detail: '{}' },
              ],
            }),
          );
          return 'allowed';
        } catch (error) {
          return (error as Error).name;
        } finally {
          events.destroy();
        }
      }),
    );

    // Assess
    expect(attempts).toEqual(publishers.map(() => 'AccessDeniedException'));
  });

  it('refuses keys it never issued, and a wrong secret, as AWS does', async () => {
    // Act
    const unknown = await outcome(
      { accessKeyId: 'AKIANOTISSUED0000000', secretAccessKey: 'x' },
      test.cloud,
      list('users/alice/'),
    );
    const forged = await outcome({ ...alice, secretAccessKey: 'guessed' }, test.cloud, list('users/alice/'));

    // Assess
    expect([unknown, forged]).toEqual(['InvalidAccessKeyId', 'SignatureDoesNotMatch']);
  });
});
