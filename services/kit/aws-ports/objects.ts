import { S3Client } from '@aws-sdk/client-s3';
import { s3Objects } from '../adapters/s3-objects';
import type { Objects } from '../ports';
import type { PortMaker } from './index';

export const makeObjects: PortMaker<Objects> = (config) =>
  s3Objects(new S3Client({ region: config.region }), config.bucket);
