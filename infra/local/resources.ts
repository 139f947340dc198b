import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { EventEnvelope } from '../../contracts/kit/contract';
import type { KismoConfig } from '../../services/kit/config';
import type { QueuePoller } from './queues/poller';

/** What the local cloud holds open, and how to let it go. */
export interface Resources {
  readonly sqs: SQSClient;
  readonly pollers: readonly QueuePoller[];
  close(): Promise<void>;
  peek(queueName: string): Promise<EventEnvelope[]>;
}

/** The data bucket, created once (a bucket kept from an earlier run is reused). */
export async function createBucket(endpoint: string, config: KismoConfig): Promise<void> {
  const s3 = new S3Client({
    endpoint,
    region: config.region,
    credentials: { accessKeyId: 'kismo-local', secretAccessKey: 'kismo-local' },
    forcePathStyle: true,
  });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: config.bucket })).catch((error: Error) => {
      if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
    });
    await s3
      .send(
        new PutBucketVersioningCommand({
          Bucket: config.bucket,
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      )
      .catch(() => {
        // Versioning is the AWS bucket's safety net; the local store may not keep versions.
      });
  } finally {
    s3.destroy();
  }
}
