import * as z from 'zod';
import { correlation } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

/** Why a launch did not happen; each code has a message telling the owner what to do. */
export const launchFailureCodes = [
  'invalid-manifest',
  'owner-mismatch',
  'instance-type-not-allowed',
  'quota-exceeded',
  'insufficient-capacity',
  'dataset-missing',
  'owner-not-configured',
  'aws-error',
] as const;

export const launchFailed = defineEvent({
  detailType: 'Launch Failed',
  version: 1,
  description: 'The launcher refused or could not complete a session request; no instance was left running.',
  fields: {
    owner: correlation.owner,
    sessionId: correlation.sessionId,
    reason: z.object({
      code: z.enum(launchFailureCodes),
      message: z.string().min(1),
    }),
    retryable: z.boolean(),
  },
});
