import { z } from 'zod';
import { correlation } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

export const instanceIdle = defineEvent({
  detailType: 'Instance Idle',
  version: 1,
  description:
    'Every activity signal stayed under its threshold for the whole window. In business hours the owner is mentioned; outside them it is a strike towards a stop.',
  fields: {
    owner: correlation.owner,
    instanceId: correlation.instanceId,
    sessionId: correlation.sessionId.optional(),
    readings: z.object({
      gpu: z.number().min(0).max(100),
      memory: z.number().min(0).max(100),
      cpu: z.number().min(0).max(100),
      sessions: z.number().int().nonnegative(),
    }),
    businessHours: z.boolean(),
    strike: z.number().int().nonnegative(),
    action: z.enum(['mention', 'will-stop']),
  },
});
