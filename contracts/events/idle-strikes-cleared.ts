import * as z from 'zod';
import { correlation } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

export const idleStrikesCleared = defineEvent({
  detailType: 'Idle Strikes Cleared',
  version: 1,
  description:
    'An instance with idle strikes will not be stopped at the next reading after all: it was used, kept by its owner, had a window without data, or business hours began.',
  fields: {
    owner: correlation.owner,
    instanceId: correlation.instanceId,
    sessionId: correlation.sessionId.optional(),
    /** How many strikes there were. */
    strikes: z.number().int().positive(),
    reason: z.enum(['active', 'kept-alive', 'missing-data', 'business-hours']),
  },
});
