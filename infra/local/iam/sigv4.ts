import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Identities } from './identities';
import type { Principal } from './principal';

/** A request as it arrived: its method, its URL exactly as sent, its headers, and its body's hash. */
export interface SignedRequest {
  readonly method: string;
  /** The path and query, as sent (still percent-encoded). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /**
   * The body, for services that hash what they received (all but S3, which takes the declared
   * `x-amz-content-sha256` and checks the body against it as it stores it).
   */
  readonly body?: Uint8Array;
}

/** Why a request is not authenticated, in the words AWS uses. */
export type AuthenticationFailure =
  | 'MissingAuthenticationToken'
  | 'InvalidAccessKeyId'
  | 'InvalidToken'
  | 'SignatureDoesNotMatch'
  | 'RequestTimeTooSkewed';

export type Authentication =
  | { readonly principal: Principal; readonly service: string; readonly region: string }
  | { readonly failure: AuthenticationFailure; readonly message: string };

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
/** How far a request's time may be from the server's, as AWS allows. */
const MAX_SKEW_MS = 15 * 60_000;

const fail = (failure: AuthenticationFailure, message: string): Authentication => ({ failure, message });

/**
 * Checks a request's Signature Version 4 as AWS does: the access key must be one the local cloud
 * issued, the session token its own, the time within 15 minutes, and the signature the one the
 * key's secret gives for this very request (computed again with the AWS SDK's signer).
 */
export async function authenticate(
  request: SignedRequest,
  identities: Identities,
  now: Date = serverTime(),
): Promise<Authentication> {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return fail('MissingAuthenticationToken', 'the request is not signed');
  const match = AUTHORIZATION.exec(header.trim());
  if (!match) return fail('SignatureDoesNotMatch', 'the Authorization header is not AWS4-HMAC-SHA256');
  const [, accessKeyId = '', , region = '', service = '', signedList = '', signature = ''] = match;
  const entry = identities.lookup(accessKeyId);
  if (!entry) {
    return fail('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  const token = request.headers['x-amz-security-token'];
  if ((entry.credentials.sessionToken ?? undefined) !== (typeof token === 'string' ? token : undefined)) {
    return fail('InvalidToken', 'The provided token is malformed or otherwise invalid.');
  }
  const date = parseAmzDate(String(request.headers['x-amz-date'] ?? ''));
  if (!date) return fail('SignatureDoesNotMatch', 'the request has no valid X-Amz-Date');
  if (Math.abs(now.getTime() - date.getTime()) > MAX_SKEW_MS) {
    return fail(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
    );
  }

  const signed = signedList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = request.headers[name];
    if (value === undefined) return fail('SignatureDoesNotMatch', `the signed header ${name} is missing`);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // Services other than S3 hash the body they received themselves: a declared hash must agree.
  if (request.body && headers['x-amz-content-sha256']) {
    const actual = createHash('sha256').update(request.body).digest('hex');
    if (actual !== headers['x-amz-content-sha256']) {
      return fail('SignatureDoesNotMatch', 'the body is not the one the request was signed with');
    }
  }
  const url = new URL(request.url, 'http://local');
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const known = query[key];
    query[key] = known === undefined ? value : [...(Array.isArray(known) ? known : [known]), value];
  }
  const rawPath = request.url.split('?')[0] ?? '/';
  const signer = new SignatureV4({
    credentials: entry.credentials,
    region,
    service,
    sha256: Hash.bind(null, 'sha256'),
    // S3 signs the path as sent; the other services sign it escaped once more.
    uriEscapePath: service !== 's3',
    applyChecksum: false,
  });
  const again = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: (headers.host ?? 'localhost').split(':')[0] ?? 'localhost',
      path: rawPath,
      query,
      headers,
      body: headers['x-amz-content-sha256'] ? undefined : request.body,
    }),
    { signingDate: date, signableHeaders: new Set(signed), unsignableHeaders: new Set() },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(again.headers.authorization ?? ''))?.[1] ?? '';
  if (
    expected.length !== signature.length ||
    !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
  ) {
    return fail(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  return { principal: entry.principal, service, region };
}

/**
 * The time as AWS's servers see it: the wall clock, from the monotonic clock's origin, so that a
 * process that fakes `Date` (a test moving its own notion of now) does not move the server's.
 */
function serverTime(): Date {
  return new Date(performance.timeOrigin + performance.now());
}

/** `20261206T012345Z` → a Date. */
function parseAmzDate(text: string): Date | undefined {
  const match = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0));
}
