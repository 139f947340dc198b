import { S3Client } from '@aws-sdk/client-s3';
import { s3Objects } from '../adapters/s3-objects';
import type { Objects } from '../ports';

export const makeObjects = (region: string, bucket: string): Objects =>
  s3Objects(new S3Client({ region }), bucket);
