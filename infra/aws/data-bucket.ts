import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { tlsOnlyStatement } from '../iam/bucket-policy';
import { acknowledge } from './acknowledgements';

export interface DataBucketProps {
  /** Days a replaced or deleted version is kept. @default 30 */
  readonly noncurrentVersionDays?: number;
  /** @default 7 */
  readonly abortIncompleteUploadsAfterDays?: number;
}

/**
 * Where datasets, manifests, markers, outputs and state live, under `users/<owner>/`. Versioned so
 * that a sync that deletes never loses anything, encrypted, TLS-only, never public, and announcing
 * every new object to EventBridge (the start of every kismo flow).
 */
export class DataBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: DataBucketProps = {}) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Users' data: deleting the stack must not delete it.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'abort-incomplete-uploads',
          abortIncompleteMultipartUploadAfter: Duration.days(props.abortIncompleteUploadsAfterDays ?? 7),
        },
        {
          // The instances' activity hours (contracts/activity-hour.ts): the monitor reads the last
          // few hours; a week is there to look back on.
          id: 'expire-activity-hours',
          prefix: 'kismo/activity/',
          expiration: Duration.days(7),
        },
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
          expiredObjectDeleteMarker: true,
        },
      ],
    });
    // TLS only, from the statement the local cloud enforces too (what `enforceSSL` would add).
    this.bucket.addToResourcePolicy(PolicyStatement.fromJson(tlsOnlyStatement(this.bucket.bucketArn)));
    // Set on the bucket itself: the L2's `eventBridgeEnabled` would add a custom-resource Lambda
    // to do what CloudFormation does natively for a bucket it creates.
    (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    acknowledge(this.bucket, {
      id: 'AwsSolutions-S1',
      reason:
        'every write that matters to kismo is an event on the bus (archived 30 days) and a line in the functions’ logs; enable CloudTrail data events if an audit of reads is required',
    });
  }
}
