import * as z from 'zod';
import { correlation } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

export const workFinished = defineEvent({
  detailType: 'Work Finished',
  version: 1,
  description:
    'The `--run` command ended on the instance: its outputs uploaded, their upload failed (`outputsUploaded: false`: the instance stays up), or none made (no `outputsPrefix`).',
  fields: {
    ...correlation,
    exitCode: z.number().int(),
    seconds: z.number().nonnegative().optional(),
    outputsPrefix: z.string().optional(),
    outputsUploaded: z.boolean().optional(),
    afterRun: z.enum(['terminate', 'stop', 'keep']).optional(),
  },
});
