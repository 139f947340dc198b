import * as z from 'zod';
import { correlation } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

export const instanceReady = defineEvent({
  detailType: 'Instance Ready',
  version: 1,
  description: 'The instance booted and its dataset is in place, verified against the manifest.',
  fields: {
    ...correlation,
    address: z.string().min(1),
    connect: z.string().min(1),
    bootSeconds: z.number().nonnegative(),
    dataSeconds: z.number().nonnegative(),
    instanceType: z.string().optional(),
    sandbox: z.string().optional(),
  },
});
