import * as z from 'zod';
import { correlation } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

export const instanceTerminated = defineEvent({
  detailType: 'Instance Terminated',
  version: 1,
  description:
    'An instance is gone for good: its owner took it down, its work finished, or EC2 reported it terminated.',
  fields: {
    owner: correlation.owner,
    instanceId: correlation.instanceId,
    sessionId: correlation.sessionId.optional(),
    reason: z.enum(['user', 'work-finished', 'state-change']),
  },
});
