import * as z from 'zod';
import { correlation } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

/**
 * Version 2: `readings` is the window's peak `Activity` (the busiest signal as a percentage of its
 * idle threshold) instead of the four signals, which the monitor no longer reads.
 */
export const instanceIdle = defineEvent({
  detailType: 'Instance Idle',
  version: 2,
  description:
    'The busiest activity signal stayed under its idle threshold for the whole window. `readings.activity` is its peak as a percentage of that threshold. In business hours the owner is mentioned; outside them it is a strike towards a stop.',
  fields: {
    owner: correlation.owner,
    instanceId: correlation.instanceId,
    sessionId: correlation.sessionId.optional(),
    readings: z.object({
      /** The window's peak of the busiest signal, in percent of its idle threshold (one decimal). */
      activity: z.number().min(0).max(100),
    }),
    businessHours: z.boolean(),
    strike: z.number().int().nonnegative(),
    action: z.enum(['mention', 'will-stop']),
  },
});
