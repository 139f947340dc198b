import * as z from 'zod';
import { isoTimeSchema } from './kit/correlation';
import { sessionKey } from './manifest';

/** What an owner can ask of a session's instance: `kismo stop|start|down|keep`. */
export const requestActions = ['stop', 'start', 'down', 'keep'] as const;
export type RequestAction = (typeof requestActions)[number];

/** The longest keep-alive an owner may ask for at once. */
export const MAX_KEEP_DAYS = 14;

/**
 * `users/<owner>/sessions/<sessionId>/requests/<name>.json`, written by the CLI, acted on by
 * session-control. Nothing in it says who asks: the owner is the key's, which IAM scopes to the
 * writer.
 */
export const sessionRequestSchema = z
  .object({
    action: z.enum(requestActions),
    /** `keep` only: leave the instance running, idle or not, until then. */
    until: isoTimeSchema.optional(),
    requestedAt: isoTimeSchema.optional(),
  })
  .superRefine((request, issues) => {
    if (request.action === 'keep' && !request.until) {
      issues.addIssue({ code: 'custom', path: ['until'], message: 'keep needs the time to keep until' });
    }
    if (request.action !== 'keep' && request.until) {
      issues.addIssue({ code: 'custom', path: ['until'], message: `${request.action} takes no until` });
    }
  });

export type SessionRequest = z.output<typeof sessionRequestSchema>;

/** `20261130T010000123Z-stop`: sorts by time, and says what it asks at a glance in a listing. */
export function requestName(at: Date, action: RequestAction): string {
  return `${at.toISOString().replace(/[-:.]/g, '')}-${action}`;
}

/** The key of a request object. */
export function requestKey(owner: string, sessionId: string, name: string): string {
  return sessionKey(owner, sessionId, `requests/${name}.json`);
}
