import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's limit on a request's age; an older one may be a replay. */
export const MAX_REQUEST_AGE_SECONDS = 300;

const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{1,12}$/;

export interface SignedRequest {
  /** `X-Slack-Request-Timestamp`: Unix seconds. */
  readonly timestamp: string | undefined;
  /** `X-Slack-Signature`: `v0=` and the HMAC-SHA256 of `v0:<timestamp>:<body>`, in hex. */
  readonly signature: string | undefined;
  /** The body exactly as it arrived: the signature is over its bytes. */
  readonly body: string;
}

export type Verification = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The signature Slack sends for `body` at `timestamp`, signed with the app's signing secret. */
export function slackSignature(signingSecret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/**
 * Whether a request comes from Slack, as Slack asks apps to check: the timestamp within five
 * minutes of now (either way), and the signature equal, compared in constant time, to the one the
 * signing secret gives for `v0:<timestamp>:<body>`. Nothing else is looked at before this passes.
 */
export function verifySlackRequest(request: SignedRequest, signingSecret: string, now: Date): Verification {
  const { timestamp, signature, body } = request;
  if (!timestamp || !TIMESTAMP.test(timestamp))
    return { ok: false, reason: 'no valid X-Slack-Request-Timestamp' };
  if (!signature || !SIGNATURE.test(signature)) return { ok: false, reason: 'no valid X-Slack-Signature' };
  const age = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (age > MAX_REQUEST_AGE_SECONDS) {
    return {
      ok: false,
      reason: `timestamp is ${Math.round(age)} s from now (at most ${MAX_REQUEST_AGE_SECONDS})`,
    };
  }
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'signature does not match' };
  }
  return { ok: true };
}
