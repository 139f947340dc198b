import type { IncomingMessage } from 'node:http';
import type { LocalIam } from '../iam/local-iam';
import type { Principal } from '../iam/principal';
import { keysToDelete, s3RequestOf } from '../iam/s3-access';
import { type AuthenticationFailure, authenticate } from '../iam/sigv4';

/** An answer in AWS's words: the HTTP status, the error code and its message. */
export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export type Verdict = { readonly principal: Principal } | { readonly refusal: Refusal };

/** How S3 answers each authentication failure. */
const S3_FAILURES: Record<AuthenticationFailure, { status: number; code: string }> = {
  MissingAuthenticationToken: { status: 403, code: 'AccessDenied' },
  InvalidAccessKeyId: { status: 403, code: 'InvalidAccessKeyId' },
  InvalidToken: { status: 400, code: 'InvalidToken' },
  SignatureDoesNotMatch: { status: 403, code: 'SignatureDoesNotMatch' },
  RequestTimeTooSkewed: { status: 403, code: 'RequestTimeTooSkewed' },
};

/** How the Query APIs (STS, IAM, CloudFormation) answer them. */
const QUERY_FAILURES: Record<AuthenticationFailure, { status: number; code: string }> = {
  MissingAuthenticationToken: { status: 403, code: 'MissingAuthenticationToken' },
  InvalidAccessKeyId: { status: 403, code: 'InvalidClientTokenId' },
  InvalidToken: { status: 403, code: 'InvalidClientTokenId' },
  SignatureDoesNotMatch: { status: 403, code: 'SignatureDoesNotMatch' },
  RequestTimeTooSkewed: { status: 403, code: 'SignatureDoesNotMatch' },
};

/** How the JSON APIs (EventBridge, SQS) answer them. */
const JSON_FAILURES: Record<AuthenticationFailure, { status: number; code: string }> = {
  MissingAuthenticationToken: { status: 400, code: 'MissingAuthenticationTokenException' },
  InvalidAccessKeyId: { status: 400, code: 'UnrecognizedClientException' },
  InvalidToken: { status: 400, code: 'UnrecognizedClientException' },
  SignatureDoesNotMatch: { status: 400, code: 'InvalidSignatureException' },
  RequestTimeTooSkewed: { status: 400, code: 'InvalidSignatureException' },
};

const denied = (status: number, code: string, message: string): Verdict => ({
  refusal: { status, code, message },
});

/**
 * The gateway's IAM: every request is signed by a principal the local cloud knows, and allowed by
 * that principal's policies (and the bucket's), or it is refused as AWS refuses it. Requests the
 * local cloud makes to itself (its own HEADs, the bus's deliveries) never pass through here.
 */
export class Guard {
  constructor(readonly iam: LocalIam) {}

  /** An S3 request (path-style), authenticated and authorized; its body is not needed but for DeleteObjects. */
  async s3(request: IncomingMessage): Promise<Verdict> {
    const who = await authenticate(
      { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers },
      this.iam.identities,
    );
    if ('failure' in who) {
      const { status, code } = S3_FAILURES[who.failure];
      return denied(status, code, who.message);
    }
    const asked = s3RequestOf(request.method ?? 'GET', request.url ?? '/', request.headers);
    if (asked.kind === 'unsupported') {
      return denied(501, 'NotImplemented', `the local cloud does not serve ${asked.what}`);
    }
    if (asked.kind === 'delete-many') return { principal: who.principal };
    const decision = await this.iam.authorize(
      who.principal,
      asked.checks.map((check) => ({ ...check, resourcePolicy: this.iam.bucketPolicy })),
    );
    if (!decision.allowed) return denied(403, 'AccessDenied', `Access Denied (${decision.reason})`);
    return { principal: who.principal };
  }

  /** DeleteObjects: S3 checks s3:DeleteObject per key and reports each it may not delete. */
  async deletable(
    principal: Principal,
    bucket: string,
    body: string,
  ): Promise<{ allowed: string[]; denied: string[] }> {
    const allowed: string[] = [];
    const refused: string[] = [];
    for (const key of keysToDelete(body)) {
      const decision = await this.iam.authorize(principal, [
        {
          action: 's3:DeleteObject',
          resource: `arn:aws:s3:::${bucket}/${key}`,
          resourcePolicy: this.iam.bucketPolicy,
        },
      ]);
      (decision.allowed ? allowed : refused).push(key);
    }
    return { allowed, denied: refused };
  }

  /**
   * Whether S3 answers this caller 403 for a key that does not exist: unless the caller may list
   * the whole bucket (s3:ListBucket with no prefix), a 404 would tell them which keys exist.
   */
  async hidesMissingKeys(principal: Principal, bucket: string): Promise<boolean> {
    const decision = await this.iam.authorize(principal, [
      { action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, resourcePolicy: this.iam.bucketPolicy },
    ]);
    return !decision.allowed;
  }

  /** A JSON API request (EventBridge, SQS), authenticated over its body, then authorized. */
  json(request: IncomingMessage, body: Buffer, checks: (principal: Principal) => Check[]): Promise<Verdict> {
    return this.signed(request, body, checks, JSON_FAILURES, { status: 400, code: 'AccessDeniedException' });
  }

  /** A Query API request (STS, IAM, CloudFormation), authenticated over its body, then authorized. */
  query(request: IncomingMessage, body: Buffer, checks: (principal: Principal) => Check[]): Promise<Verdict> {
    return this.signed(request, body, checks, QUERY_FAILURES, { status: 403, code: 'AccessDenied' });
  }

  private async signed(
    request: IncomingMessage,
    body: Buffer,
    checks: (principal: Principal) => Check[],
    failures: Record<AuthenticationFailure, { status: number; code: string }>,
    refused: { status: number; code: string },
  ): Promise<Verdict> {
    const who = await authenticate(
      { method: request.method ?? 'POST', url: request.url ?? '/', headers: request.headers, body },
      this.iam.identities,
    );
    if ('failure' in who) {
      const { status, code } = failures[who.failure];
      return denied(status, code, who.message);
    }
    for (const check of checks(who.principal)) {
      const decision = await this.iam.authorize(who.principal, [check]);
      if (!decision.allowed) {
        return denied(
          refused.status,
          refused.code,
          `User: ${who.principal.arn} is not authorized to perform: ${check.action} on resource: ${check.resource} (${decision.reason})`,
        );
      }
    }
    return { principal: who.principal };
  }
}

/** One IAM check of a request: an action on a resource, with the request's condition keys. */
export interface Check {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
}
