import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PreconditionFailedError, s3Objects } from '../../../../services/kit/ports/objects';

const s3 = mockClient(S3Client);
const objects = s3Objects(new S3Client({ region: 'eu-west-1' }), 'kismo-data');

// GetObject's Body is a stream mixin; the adapter only needs its byte-array transform.
const bodyOf = (text: string) =>
  ({ transformToByteArray: async () => new TextEncoder().encode(text) }) as unknown as never;

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

describe('s3Objects', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('reads an object with its body and etag', async () => {
    // Prepare
    const lastModified = new Date('2025-03-04T05:06:07Z');
    s3.on(GetObjectCommand).resolves({ Body: bodyOf('{"a":1}'), ETag: '"e1"', LastModified: lastModified });

    // Act
    const object = await objects.get('users/ana/sessions/s1/status.json');

    // Assess
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'kismo-data',
      Key: 'users/ana/sessions/s1/status.json',
    });
    expect(object?.key).toBe('users/ana/sessions/s1/status.json');
    expect(new TextDecoder().decode(object?.body)).toBe('{"a":1}');
    expect(object?.etag).toBe('"e1"');
    expect(object?.lastModified).toEqual(lastModified);
  });

  it('answers undefined for a missing key, whether S3 says NoSuchKey or a bare 404', async () => {
    // Prepare
    s3.on(GetObjectCommand)
      .rejectsOnce(new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'gone' }))
      .rejectsOnce(
        new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 } }),
      );

    // Act
    const first = await objects.get('a/missing.json');
    const second = await objects.get('b/missing.json');

    // Assess
    expect(first).toBeUndefined();
    expect(second).toBeUndefined();
  });

  it('lets other read errors through', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    // Act
    const reading = objects.get('a/b.json');

    // Assess
    await expect(reading).rejects.toThrow('denied');
  });

  it('writes with content type and If-Match, and creates only when asked with If-None-Match *', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolvesOnce({ ETag: '"e2"' }).resolvesOnce({ ETag: '"e3"' });

    // Act
    const updated = await objects.put('k/status.json', '{"v":2}', {
      contentType: 'application/json',
      ifMatch: '"e1"',
    });
    const created = await objects.put('k/new.bin', new Uint8Array([1, 2, 3]), { ifNoneMatch: true });

    // Assess
    const calls = s3.commandCalls(PutObjectCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input).toEqual({
      Bucket: 'kismo-data',
      Key: 'k/status.json',
      Body: new TextEncoder().encode('{"v":2}'),
      ContentType: 'application/json',
      IfMatch: '"e1"',
    });
    expect(calls[1]?.args[0].input).toEqual({
      Bucket: 'kismo-data',
      Key: 'k/new.bin',
      Body: new Uint8Array([1, 2, 3]),
      IfNoneMatch: '*',
    });
    expect(calls[1]?.args[0].input.IfMatch).toBeUndefined();
    expect(updated.etag).toBe('"e2"');
    expect(created.etag).toBe('"e3"');
  });

  it('turns a lost conditional write into PreconditionFailedError', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
        message: 'At least one of the pre-conditions you specified did not hold',
      }),
    );

    // Act
    const writing = objects.put('k/status.json', '{}', { ifMatch: '"old"' });

    // Assess
    await expect(writing).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(writing).rejects.toMatchObject({ key: 'k/status.json' });
  });

  it('lists every page of a prefix', async () => {
    // Prepare
    const pages = [
      {
        Contents: [
          { Key: 'users/ana/datasets/d/a.csv', Size: 10, ETag: '"a"' },
          { Key: 'users/ana/datasets/d/b.csv', Size: 20, ETag: '"b"' },
        ],
        IsTruncated: true,
        NextContinuationToken: 'page-2',
      },
      { Contents: [{ Key: 'users/ana/datasets/d/c.csv', Size: 30, ETag: '"c"' }], IsTruncated: false },
    ];
    // The paginator reuses one input object, so copy each request as it is sent.
    const sent: unknown[] = [];
    s3.on(ListObjectsV2Command).callsFake((input) => {
      sent.push({ ...input });
      return pages[sent.length - 1];
    });

    // Act
    const listed = await collect(objects.list('users/ana/datasets/d/'));

    // Assess
    expect(sent).toEqual([
      { Bucket: 'kismo-data', Prefix: 'users/ana/datasets/d/' },
      { Bucket: 'kismo-data', Prefix: 'users/ana/datasets/d/', ContinuationToken: 'page-2' },
    ]);
    expect(listed.map((o) => [o.key, o.size, o.etag])).toEqual([
      ['users/ana/datasets/d/a.csv', 10, '"a"'],
      ['users/ana/datasets/d/b.csv', 20, '"b"'],
      ['users/ana/datasets/d/c.csv', 30, '"c"'],
    ]);
  });

  it('deletes by key', async () => {
    // Prepare
    s3.on(DeleteObjectCommand).resolves({});

    // Act
    await objects.delete('k/requests/r1.json');

    // Assess
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'kismo-data', Key: 'k/requests/r1.json' },
    ]);
  });

  it('refuses an empty key without calling S3', async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({});

    // Act
    const reading = objects.get('');
    const writing = objects.put('', 'x');
    const deleting = objects.delete('');

    // Assess
    await expect(reading).rejects.toThrow(/empty/);
    await expect(writing).rejects.toThrow(/empty/);
    await expect(deleting).rejects.toThrow(/empty/);
    expect(s3.calls()).toHaveLength(0);
  });
});
