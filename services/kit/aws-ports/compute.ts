import { EC2Client } from '@aws-sdk/client-ec2';
import { ec2Compute } from '../adapters/ec2-compute';
import type { Compute } from '../ports';
import type { PortMaker } from './index';

export const makeCompute: PortMaker<Compute> = (config, env) =>
  ec2Compute(new EC2Client({ region: config.region }), { launchTemplateId: env.LAUNCH_TEMPLATE_ID });
