import * as z from 'zod';
import { correlation } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

export const instanceBootFailed = defineEvent({
  detailType: 'Instance Boot Failed',
  version: 1,
  description:
    'The instance never became ready: its bootstrap failed, its deadline passed, or it was terminated first.',
  fields: {
    ...correlation,
    reason: z.enum(['bootstrap-error', 'timeout', 'terminated']),
    message: z.string().optional(),
    logTail: z.string(),
  },
});
