import * as z from 'zod';
import { correlation } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

export const instanceStopped = defineEvent({
  detailType: 'Instance Stopped',
  version: 1,
  description:
    'kismo stopped an instance: idle outside business hours, asked by its owner, or its work finished.',
  fields: {
    owner: correlation.owner,
    instanceId: correlation.instanceId,
    sessionId: correlation.sessionId.optional(),
    reason: z.enum(['idle', 'user', 'work-finished']),
    hourlyPrice: z.number().nonnegative().nullable(),
  },
});
