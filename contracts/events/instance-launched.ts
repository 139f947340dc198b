import * as z from 'zod';
import { correlation, instanceTypeSchema, isoTimeSchema } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

export const instanceLaunched = defineEvent({
  detailType: 'Instance Launched',
  version: 1,
  description: 'The launcher started an instance for a session; it is booting and pulling its data.',
  fields: {
    ...correlation,
    instanceType: instanceTypeSchema,
    availabilityZone: z.string().min(1),
    subnetId: z.string().optional(),
    dataset: z.object({
      prefix: z.string().min(1),
      files: z.number().int().nonnegative(),
      bytes: z.number().int().nonnegative(),
    }),
    launchedAt: isoTimeSchema,
  },
});
