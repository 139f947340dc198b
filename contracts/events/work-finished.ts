import * as z from 'zod';
import { correlation } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

export const workFinished = defineEvent({
  detailType: 'Work Finished',
  version: 1,
  description:
    'The `--run` command ended on the instance and its outputs were uploaded (or their upload failed).',
  fields: {
    ...correlation,
    exitCode: z.number().int(),
    seconds: z.number().nonnegative().optional(),
    outputsPrefix: z.string().optional(),
    outputsUploaded: z.boolean().optional(),
    afterRun: z.enum(['terminate', 'stop', 'keep']).optional(),
  },
});
