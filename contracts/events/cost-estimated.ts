import * as z from 'zod';
import { correlation } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

export const costEstimated = defineEvent({
  detailType: 'Cost Estimated',
  version: 1,
  description:
    'What a session costs per hour and has cost so far, from the price table (an estimate, not a bill).',
  fields: {
    ...correlation,
    hourly: z.number().nonnegative(),
    accrued: z.number().nonnegative(),
    currency: z.literal('USD'),
    basis: z.string().min(1),
  },
  timeline: (d) =>
    `${d.instanceId} costs $${d.hourly.toFixed(2)}/h, $${d.accrued.toFixed(2)} so far (estimate)`,
});
