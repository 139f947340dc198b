import { EC2Client } from '@aws-sdk/client-ec2';
import { ec2Compute } from '../adapters/ec2-compute';
import type { Compute } from '../ports';

export const makeCompute = (region: string, launchTemplateId: string | undefined): Compute =>
  ec2Compute(new EC2Client({ region }), { launchTemplateId });
