// The data bucket is versioned on AWS, so on the local cloud too: every write names its version,
// what it replaces stays readable by version id, a delete leaves a marker, ListObjectVersions
// pages as S3 does, and IAM asks for the version actions S3 asks for.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageVersions, type VersionRecord, VersionStore } from '../../../../infra/local/gateway/versions';
import { startTestCloud, type TestCloud } from '../../../support/local-cloud';
import { outcome } from '../../../support/outcome';
import { findAwsCliV2 } from '../../../userdata/support/sandbox';

const run = promisify(execFile);

describe('S3 versioning on the local cloud', () => {
  let test: TestCloud;
  let s3: S3Client;
  let alice: S3Client;
  const Bucket = () => test.cloud.bucket;
  const text = async (input: { Key: string; VersionId?: string }) => {
    const answer = await s3.send(new GetObjectCommand({ Bucket: Bucket(), ...input }));
    return { body: await answer.Body?.transformToString(), versionId: answer.VersionId };
  };

  beforeAll(async () => {
    test = await startTestCloud({ users: ['alice'] });
    s3 = test.cloud.s3();
    alice = new S3Client({
      endpoint: test.cloud.endpoint,
      region: test.cloud.region,
      credentials: test.cloud.addUser('alice'),
      forcePathStyle: true,
    });
  });
  afterAll(async () => {
    s3.destroy();
    alice.destroy();
    await test.stop();
  });

  it('names each write’s version, keeps the one it replaced, and reads either by id', async () => {
    // Act
    const Key = 'users/ana/datasets/d/a.csv';
    const first = await s3.send(new PutObjectCommand({ Bucket: Bucket(), Key, Body: 'one' }));
    const second = await s3.send(new PutObjectCommand({ Bucket: Bucket(), Key, Body: 'two' }));

    // Assess
    expect(first.VersionId).toMatch(/^[\w-]{32}$/);
    expect(second.VersionId).not.toBe(first.VersionId);
    expect(await text({ Key })).toEqual({ body: 'two', versionId: second.VersionId });
    expect(await text({ Key, VersionId: first.VersionId })).toEqual({
      body: 'one',
      versionId: first.VersionId,
    });
    expect(await text({ Key, VersionId: second.VersionId })).toEqual({
      body: 'two',
      versionId: second.VersionId,
    });
    const head = await s3.send(new HeadObjectCommand({ Bucket: Bucket(), Key, VersionId: first.VersionId }));
    expect(head.ContentLength).toBe(3);
    expect(await outcome(() => text({ Key, VersionId: 'no-such-version-aaaaaaaaaaaaaaaaaaa' }))).toBe(
      'NoSuchVersion',
    );
  });

  it('leaves a delete marker that lists as the latest, the older versions still readable', async () => {
    // Prepare
    const Key = 'users/ana/datasets/d/b.csv';
    const kept = await s3.send(new PutObjectCommand({ Bucket: Bucket(), Key, Body: 'bee' }));

    // Act
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: Bucket(), Key }));
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: Bucket(), Prefix: Key }));

    // Assess
    expect(deleted).toMatchObject({ DeleteMarker: true, VersionId: expect.stringMatching(/^[\w-]{32}$/) });
    expect(await outcome(() => text({ Key }))).toBe('NoSuchKey');
    expect(await text({ Key, VersionId: kept.VersionId })).toEqual({
      body: 'bee',
      versionId: kept.VersionId,
    });
    expect(listed.DeleteMarkers).toEqual([
      expect.objectContaining({ Key, VersionId: deleted.VersionId, IsLatest: true }),
    ]);
    expect(listed.Versions).toEqual([
      expect.objectContaining({ Key, VersionId: kept.VersionId, IsLatest: false, Size: 3 }),
    ]);
    expect(
      await outcome(() =>
        s3.send(new GetObjectCommand({ Bucket: Bucket(), Key, VersionId: deleted.VersionId })),
      ),
    ).toBe('MethodNotAllowed');
  });

  it('versions DeleteObjects and multipart uploads too', async () => {
    // Prepare
    const Key = 'users/ana/datasets/d/c.bin';
    const before = await s3.send(new PutObjectCommand({ Bucket: Bucket(), Key, Body: 'small' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: Bucket(), Key }));
    const part = await s3.send(
      new UploadPartCommand({ Bucket: Bucket(), Key, UploadId, PartNumber: 1, Body: 'multipart' }),
    );

    // Act
    const completed = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: Bucket(),
        Key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    await s3.send(new DeleteObjectsCommand({ Bucket: Bucket(), Delete: { Objects: [{ Key }] } }));
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: Bucket(), Prefix: Key }));

    // Assess
    expect(completed.VersionId).toMatch(/^[\w-]{32}$/);
    expect(await text({ Key, VersionId: before.VersionId })).toMatchObject({ body: 'small' });
    expect(await text({ Key, VersionId: completed.VersionId })).toMatchObject({ body: 'multipart' });
    expect(listed.DeleteMarkers?.map((m) => m.IsLatest)).toEqual([true]);
    expect(listed.Versions?.map((v) => v.VersionId)).toEqual([completed.VersionId, before.VersionId]);
  });

  it('asks IAM for s3:GetObjectVersion and s3:ListBucketVersions, which a user is not granted', async () => {
    // Prepare
    const Key = 'users/alice/datasets/d/x.csv';
    const put = await alice.send(new PutObjectCommand({ Bucket: Bucket(), Key, Body: 'x' }));

    // Act + Assess: her own key, read as she may, but not by version, and no version listing
    expect(
      await outcome(
        async () => (await alice.send(new GetObjectCommand({ Bucket: Bucket(), Key }))).VersionId,
      ),
    ).toBe(put.VersionId);
    expect(
      await outcome(() =>
        alice.send(new GetObjectCommand({ Bucket: Bucket(), Key, VersionId: put.VersionId })),
      ),
    ).toBe('AccessDenied');
    expect(
      await outcome(() =>
        alice.send(new ListObjectVersionsCommand({ Bucket: Bucket(), Prefix: 'users/alice/' })),
      ),
    ).toBe('AccessDenied');
  });

  it('answers the AWS CLI’s list-object-versions and get-object --version-id', async () => {
    // Prepare
    const Key = 'users/ana/datasets/cli/z.txt';
    const old = await s3.send(new PutObjectCommand({ Bucket: Bucket(), Key, Body: 'old' }));
    await s3.send(new PutObjectCommand({ Bucket: Bucket(), Key, Body: 'new' }));
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: test.cloud.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: test.cloud.credentials.secretAccessKey,
      AWS_DEFAULT_REGION: test.cloud.region,
    };
    const aws = (...args: string[]) =>
      run(findAwsCliV2(), ['--endpoint-url', test.cloud.endpoint, ...args], { env });

    // Act
    const listed = await aws('s3api', 'list-object-versions', '--bucket', Bucket(), '--prefix', Key);
    const out = `${test.stateDir}/z.txt`;
    await aws(
      's3api',
      'get-object',
      '--bucket',
      Bucket(),
      '--key',
      Key,
      '--version-id',
      old.VersionId ?? '',
      out,
    );

    // Assess
    const versions = JSON.parse(listed.stdout).Versions as { VersionId: string; IsLatest: boolean }[];
    expect(versions.map((v) => v.IsLatest)).toEqual([true, false]);
    expect(versions[1]?.VersionId).toBe(old.VersionId);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(out, 'utf8')).toBe('old');
  }, 30_000);
});

describe('pageVersions', () => {
  const v = (versionId: string): VersionRecord => ({ versionId, lastModified: '2026-12-06T00:00:00Z' });
  const histories = [
    { key: 'b', versions: [v('b1'), v('b2')] },
    { key: 'a', versions: [v('a1'), v('a2'), v('a3')] },
  ];

  it('lists keys in order, newest version first, and resumes after its markers', () => {
    // Act
    const first = pageVersions(histories, { maxKeys: 2 });
    const second = pageVersions(histories, {
      maxKeys: 2,
      keyMarker: first.nextKeyMarker,
      versionIdMarker: first.nextVersionIdMarker,
    });
    const third = pageVersions(histories, {
      maxKeys: 2,
      keyMarker: second.nextKeyMarker,
      versionIdMarker: second.nextVersionIdMarker,
    });

    // Assess
    const ids = (page: ReturnType<typeof pageVersions>) =>
      page.entries.map((e) => `${e.record.versionId}${e.isLatest ? '*' : ''}`);
    expect([ids(first), ids(second), ids(third)]).toEqual([['a3*', 'a2'], ['a1', 'b2*'], ['b1']]);
    expect([first.truncated, second.truncated, third.truncated]).toEqual([true, true, false]);
    expect(pageVersions(histories, { maxKeys: 10, keyMarker: 'a' }).entries.map((e) => e.key)).toEqual([
      'b',
      'b',
    ]);
  });
});

describe('versions across a restart of the local cloud', () => {
  it('keeps every version and its history, as kismo dev keeps the bucket', async () => {
    // Prepare
    const first = await startTestCloud({ users: [] });
    const s3 = first.cloud.s3();
    const Key = 'users/ana/datasets/r/a.csv';
    const old = await s3.send(new PutObjectCommand({ Bucket: first.cloud.bucket, Key, Body: 'before' }));
    await s3.send(new PutObjectCommand({ Bucket: first.cloud.bucket, Key, Body: 'after' }));
    s3.destroy();
    await first.stop({ keepState: true });

    // Act
    const again = await startTestCloud({ users: [], stateDir: first.stateDir });
    const s3again = again.cloud.s3();
    const read = await s3again.send(
      new GetObjectCommand({ Bucket: again.cloud.bucket, Key, VersionId: old.VersionId }),
    );
    const listed = await s3again.send(
      new ListObjectVersionsCommand({ Bucket: again.cloud.bucket, Prefix: Key }),
    );

    // Assess
    expect(await read.Body?.transformToString()).toBe('before');
    expect(listed.Versions?.map((v) => v.IsLatest)).toEqual([true, false]);
    s3again.destroy();
    await again.stop();
  });

  it('keeps an object written before the history began as its null version', async () => {
    // Prepare: a state dir of a kismo before versions: the object is there, its history is not
    const first = await startTestCloud({ users: [] });
    const s3 = first.cloud.s3();
    const Key = 'users/ana/datasets/r/old.csv';
    await s3.send(new PutObjectCommand({ Bucket: first.cloud.bucket, Key, Body: 'from before' }));
    s3.destroy();
    await first.stop({ keepState: true });
    rmSync(path.join(first.stateDir, 's3-versions.jsonl'));

    // Act
    const again = await startTestCloud({ users: [], stateDir: first.stateDir });
    const s3again = again.cloud.s3();
    const put = await s3again.send(new PutObjectCommand({ Bucket: again.cloud.bucket, Key, Body: 'now' }));
    const old = await s3again.send(
      new GetObjectCommand({ Bucket: again.cloud.bucket, Key, VersionId: 'null' }),
    );
    const listed = await s3again.send(
      new ListObjectVersionsCommand({ Bucket: again.cloud.bucket, Prefix: Key }),
    );

    // Assess
    expect(await old.Body?.transformToString()).toBe('from before');
    expect(listed.Versions?.map((v) => v.VersionId)).toEqual([put.VersionId, 'null']);
    s3again.destroy();
    await again.stop();
  });
});

describe('VersionStore', () => {
  it('says a history begun on empty buckets is complete, and keeps saying so after a restart', () => {
    // Prepare
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kismo-versions-')), 'v.jsonl');
    const fresh = new VersionStore(file);

    // Act
    fresh.markComplete();
    fresh.add('b', 'k', { versionId: 'v1', lastModified: '2026-12-06T00:00:00Z' });
    const reloaded = new VersionStore(file);
    const late = new VersionStore();
    late.add('b', 'k', { versionId: 'v1', lastModified: '2026-12-06T00:00:00Z' });
    late.markComplete();

    // Assess
    expect([fresh.complete, reloaded.complete, late.complete]).toEqual([true, true, false]);
    expect(reloaded.current('b', 'k')?.versionId).toBe('v1');
  });
});
