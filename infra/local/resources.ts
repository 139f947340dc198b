import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { EventEnvelope } from '../../contracts/kit/contract';
import type { QueuePoller } from './queues/poller';

/** What the local cloud holds open, and how to let it go. */
export interface Resources {
  readonly sqs: SQSClient;
  readonly pollers: readonly QueuePoller[];
  close(): Promise<void>;
  peek(queueName: string): Promise<EventEnvelope[]>;
}

/** The local cloud's only credentials: fauxqs checks none, but the SDK insists on some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'kismo-local', secretAccessKey: 'kismo-local' } as const;

/** An S3 client for the local cloud, as the CLI builds one from the `local` profile (path-style). */
export function localS3Client(endpoint: string, region: string): S3Client {
  return new S3Client({ endpoint, region, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
}

/** The data bucket, created once (a bucket kept from an earlier run is reused). */
export async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: Error) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
  await s3
    .send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }))
    .catch(() => {
      // Versioning is the AWS bucket's safety net; the local store may not keep versions.
    });
}
