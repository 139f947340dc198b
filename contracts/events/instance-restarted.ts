import * as z from 'zod';
import { correlation } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

export const instanceRestarted = defineEvent({
  detailType: 'Instance Restarted',
  version: 1,
  description: 'kismo started a stopped instance again: business hours began, or its owner asked.',
  fields: {
    owner: correlation.owner,
    instanceId: correlation.instanceId,
    sessionId: correlation.sessionId.optional(),
    reason: z.enum(['business-hours', 'user']),
  },
});
