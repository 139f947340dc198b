import * as z from 'zod';

/** The shape of an owner and of a session id, unanchored: keys are built from them too. */
export const OWNER_PATTERN = '[A-Za-z0-9][A-Za-z0-9_.@+=,-]{0,63}';
export const SESSION_ID_PATTERN = '\\d{8}-\\d{6}-[0-9a-z]{6}';

/**
 * The principal tag that names a person's owner: an IAM user's tag, or the session tag Identity
 * Center (an attribute for access control) or an identity provider sets. Only an administrator
 * sets it; IAM scopes everything a person may do to `users/<its value>/`.
 */
export const OWNER_TAG = 'kismo-owner';

/** An owner: the value of a person's `kismo-owner` tag, and the folder `users/<owner>/` they own. */
export const ownerSchema = z
  .string()
  .regex(new RegExp(`^${OWNER_PATTERN}$`), 'an owner is letters, digits and _.@+=,- (at most 64, no slash)');

/** Session ids sort by the time they were made: `YYYYMMDD-HHMMSS-xxxxxx` (UTC, then 6 random chars). */
export const sessionIdSchema = z
  .string()
  .regex(new RegExp(`^${SESSION_ID_PATTERN}$`), 'a session id looks like 20261128-153000-k3f9qa');

export const instanceIdSchema = z
  .string()
  .regex(/^i-[0-9a-f]{8,17}$/, 'an instance id looks like i-0abc12345def67890');

export const instanceTypeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an instance type looks like p3.2xlarge');

export const isoTimeSchema = z.iso.datetime({ offset: true });

/** The correlation keys every kismo event carries where they exist; they key every log line and Slack thread. */
export const correlation = {
  owner: ownerSchema,
  sessionId: sessionIdSchema,
  instanceId: instanceIdSchema,
} as const;

export type CorrelationShape = typeof correlation;

export interface CorrelationKeys {
  owner?: string;
  sessionId?: string;
  instanceId?: string;
}

/** Picks the correlation keys out of any event detail, whatever its contract. */
export function correlationOf(detail: unknown): CorrelationKeys {
  if (typeof detail !== 'object' || detail === null) return {};
  const keys: CorrelationKeys = {};
  for (const key of ['owner', 'sessionId', 'instanceId'] as const) {
    const value = (detail as Record<string, unknown>)[key];
    if (typeof value === 'string') keys[key] = value;
  }
  return keys;
}
