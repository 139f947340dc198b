import * as z from 'zod';
import type { Contract, EventPattern } from '../kit/contract';
import { instanceIdSchema } from '../kit/correlation';

export const instanceStates = [
  'pending',
  'running',
  'shutting-down',
  'stopping',
  'stopped',
  'terminated',
] as const;
export type InstanceState = (typeof instanceStates)[number];

const detail = z.object({
  'instance-id': instanceIdSchema,
  state: z.enum(instanceStates),
});

/** EC2's `EC2 Instance State-change Notification`, as sent to the default bus. */
export const ec2StateChange: Contract<'EC2 Instance State-change Notification', typeof detail> = {
  name: 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  detailType: 'EC2 Instance State-change Notification',
  description:
    'EC2 reports an instance changed state (kismo listens for instances terminated or stopped behind its back).',
  detail,
  pattern: (): EventPattern => ({
    source: ['aws.ec2'],
    'detail-type': ['EC2 Instance State-change Notification'],
  }),
  correlate: (d) => ({ instanceId: d['instance-id'] }),
};
