import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { s3Objects } from '../../../../services/kit/ports/objects';

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

describe('s3Objects as the CLI uses it: HEADs, folders, batch deletes, multipart uploads', () => {
  const s3 = mockClient(S3Client);
  const bucket = s3Objects(new S3Client({ region: 'eu-west-1' }), 'kismo-data');

  beforeEach(() => {
    s3.reset();
  });

  it('tells an object’s ETag, size and metadata by HEAD, and undefined for no such key', async () => {
    // Prepare
    s3.on(HeadObjectCommand)
      .resolvesOnce({ ETag: '"e1"', ContentLength: 42, Metadata: { sha256: 'ab' }, VersionId: 'v1' })
      .rejectsOnce(
        new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 } }),
      );

    // Act
    const found = await bucket.head('users/ana/datasets/d/a.csv');
    const missing = await bucket.head('users/ana/datasets/d/gone.csv');

    // Assess
    expect(found).toEqual({ etag: '"e1"', size: 42, metadata: { sha256: 'ab' }, versionId: 'v1' });
    expect(missing).toBeUndefined();
  });

  it('never takes a missing bucket for a missing key', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: 'NoSuchBucket',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
        message: 'The specified bucket does not exist',
      }),
    );

    // Act
    const reading = bucket.get('users/ana/sync/d.json');

    // Assess
    await expect(reading).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('tells a 403 for a key not there yet from a real refusal, by listing the key', async () => {
    // Prepare: S3 answers 403 for missing keys to callers who may list only their own prefix.
    const denied = () =>
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'Access Denied',
      });
    s3.on(GetObjectCommand).rejects(denied());
    s3.on(HeadObjectCommand).rejects(
      new S3ServiceException({ name: 'Forbidden', $fault: 'client', $metadata: { httpStatusCode: 403 } }),
    );
    s3.on(ListObjectsV2Command, { Prefix: 'users/ana/sync/new.json' }).resolves({ KeyCount: 0 });
    s3.on(ListObjectsV2Command, { Prefix: 'users/ana/sessions/s1/status.json' }).resolves({
      Contents: [{ Key: 'users/ana/sessions/s1/status.json' }],
    });
    s3.on(ListObjectsV2Command, { Prefix: 'users/bob/sync/d.json' }).rejects(denied());

    // Act
    const notYet = await bucket.get('users/ana/sync/new.json');
    const notYetHead = await bucket.head('users/ana/sync/new.json');
    const thereButDenied = bucket.get('users/ana/sessions/s1/status.json');
    const elsewhere = bucket.get('users/bob/sync/d.json');

    // Assess
    expect(notYet).toBeUndefined();
    expect(notYetHead).toBeUndefined();
    await expect(thereButDenied).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(elsewhere).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.MaxKeys)).toEqual([1, 1, 1, 1]);
  });

  it('reads again a key that appeared between its 403 and the listing', async () => {
    // Prepare: the journal writes status.json while the CLI is reading it for the first time.
    s3.on(GetObjectCommand)
      .rejectsOnce(
        new S3ServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
        }),
      )
      .resolves({
        Body: { transformToByteArray: async () => new TextEncoder().encode('{}') } as never,
        ETag: '"e1"',
      });
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'users/ana/sessions/s1/status.json' }] });

    // Act
    const object = await bucket.get('users/ana/sessions/s1/status.json');

    // Assess
    expect(object?.etag).toBe('"e1"');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
  });

  it('lists the folders one level below a prefix', async () => {
    // Prepare
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        CommonPrefixes: [{ Prefix: 'users/ana/sessions/s1/' }],
        IsTruncated: true,
        NextContinuationToken: 't2',
      })
      .resolvesOnce({ CommonPrefixes: [{ Prefix: 'users/ana/sessions/s2/' }], IsTruncated: false });

    // Act
    const folders = await collect(bucket.folders('users/ana/sessions/'));

    // Assess
    expect(folders).toEqual(['users/ana/sessions/s1/', 'users/ana/sessions/s2/']);
    expect(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'kismo-data', Prefix: 'users/ana/sessions/', Delimiter: '/' },
      { Bucket: 'kismo-data', Prefix: 'users/ana/sessions/', Delimiter: '/', ContinuationToken: 't2' },
    ]);
  });

  it('deletes many keys in one request, and rejects naming the first key S3 refused', async () => {
    // Prepare
    s3.on(DeleteObjectsCommand)
      .resolvesOnce({ Deleted: [{ Key: 'p/a' }, { Key: 'p/b' }] })
      .resolvesOnce({ Errors: [{ Key: 'p/c', Code: 'AccessDenied', Message: 'Access Denied' }] });

    // Act
    await bucket.deleteMany(['p/a', 'p/b']);
    const refused = bucket.deleteMany(['p/c']);
    const tooMany = bucket.deleteMany(Array.from({ length: 1001 }, (_, i) => `p/${i}`));

    // Assess
    await expect(refused).rejects.toThrow('S3 could not delete 1 objects (p/c: AccessDenied Access Denied)');
    await expect(tooMany).rejects.toThrow(/at most 1000 keys/);
    expect(s3.commandCalls(DeleteObjectsCommand)[0]?.args[0].input).toEqual({
      Bucket: 'kismo-data',
      Delete: { Objects: [{ Key: 'p/a' }, { Key: 'p/b' }] },
    });
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(2);
  });

  it('uploads in parts, each with its SHA-256, and completes with quoted ETags', async () => {
    // Prepare
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    s3.on(UploadPartCommand).resolves({ ETag: '"p1"' });
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"whole-2"' });
    const body = new Uint8Array([1, 2, 3]);
    const sha256 = createHash('sha256').update(body).digest('base64');

    // Act
    const uploadId = await bucket.startUpload('p/big.bin', { metadata: { sha256: 'abc' } });
    const etag = await bucket.uploadPart('p/big.bin', uploadId, { partNumber: 1, body, sha256 });
    const whole = await bucket.completeUpload('p/big.bin', uploadId, [{ partNumber: 1, etag, sha256 }]);

    // Assess
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input).toEqual({
      Bucket: 'kismo-data',
      Key: 'p/big.bin',
      ChecksumAlgorithm: 'SHA256',
      Metadata: { sha256: 'abc' },
    });
    expect(s3.commandCalls(UploadPartCommand)[0]?.args[0].input).toMatchObject({
      UploadId: 'u1',
      PartNumber: 1,
      ContentLength: 3,
      ChecksumSHA256: sha256,
    });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]?.args[0].input.MultipartUpload).toEqual({
      Parts: [{ PartNumber: 1, ETag: '"p1"', ChecksumSHA256: sha256 }],
    });
    expect([etag, whole]).toEqual(['p1', 'whole-2']);
  });
});
