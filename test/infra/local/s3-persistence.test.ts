import { randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';

const MiB = 1024 * 1024;

describe("the local cloud's S3 across a restart", () => {
  let test: TestCloud | undefined;
  let s3: S3Client | undefined;

  afterEach(async () => {
    s3?.destroy();
    await test?.stop();
  });

  it('keeps completed multipart objects, and drops uploads still in progress', async () => {
    // Prepare
    test = await startTestCloud({ services: [] });
    s3 = test.cloud.s3();
    const Bucket = test.cloud.bucket;
    const parts = [randomBytes(5 * MiB), randomBytes(MiB)];
    const done = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'users/ada/done.bin' }));
    const etags: string[] = [];
    for (const [i, Body] of parts.entries()) {
      const part = await s3.send(
        new UploadPartCommand({
          Bucket,
          Key: 'users/ada/done.bin',
          UploadId: done.UploadId,
          PartNumber: i + 1,
          Body,
        }),
      );
      etags.push(part.ETag ?? '');
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: 'users/ada/done.bin',
        UploadId: done.UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    const open = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'users/ada/open.bin' }));
    await s3.send(
      new UploadPartCommand({
        Bucket,
        Key: 'users/ada/open.bin',
        UploadId: open.UploadId,
        PartNumber: 1,
        Body: parts[0],
      }),
    );

    // Act
    s3.destroy();
    await test.stop({ keepState: true });
    test = await startTestCloud({ services: [], stateDir: test.stateDir });
    s3 = test.cloud.s3();

    // Assess
    const kept = await s3.send(new GetObjectCommand({ Bucket, Key: 'users/ada/done.bin' }));
    expect(Buffer.from((await kept.Body?.transformToByteArray()) ?? []).equals(Buffer.concat(parts))).toBe(
      true,
    );
    const resumed = s3.send(
      new UploadPartCommand({
        Bucket,
        Key: 'users/ada/open.bin',
        UploadId: open.UploadId,
        PartNumber: 2,
        Body: parts[1],
      }),
    );
    await expect(resumed).rejects.toMatchObject({ name: 'NoSuchUpload' });
  });
});
