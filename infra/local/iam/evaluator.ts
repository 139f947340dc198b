import { getDenialReasons, runSimulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocumentJson } from '../../iam/policy';
import { type Principal, principalContext } from './principal';

/** One request as IAM authorizes it: who, which action, on which resource, in which context. */
export interface AccessRequest {
  readonly principal: Principal;
  /** `s3:GetObject`, `events:PutEvents`, `ec2:StopInstances`… */
  readonly action: string;
  /** The resource's ARN, or `*` for actions that take none. */
  readonly resource: string;
  /** The request's own condition keys (`s3:prefix`, `events:source`, `aws:ResourceTag/…`). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /** The resource's own policy (the data bucket's), if it has one. */
  readonly resourcePolicy?: PolicyDocumentJson;
}

export type Decision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly explicit: boolean; readonly reason: string };

/**
 * Decides requests as IAM does, with an open-source evaluator of AWS's policy language
 * (@cloud-copilot/iam-simulate): the caller's identity policies, the resource's policy, the
 * condition keys of the request and of the caller. Anything the evaluator cannot decide (an
 * unknown action, a resource of the wrong type) is a denial, never an allow.
 */
export class PolicyEvaluator {
  /**
   * Decisions of identical requests by the same principal (a service publishing the same events):
   * IAM is deterministic, and a principal's policies do not change while it lives.
   */
  private readonly decided = new WeakMap<Principal, Map<string, Decision>>();

  constructor(readonly account: string) {}

  async decide(request: AccessRequest): Promise<Decision> {
    const context = {
      ...principalContext(request.principal, this.account),
      // The local cloud listens on loopback only: its requests stand for the TLS ones of AWS,
      // which the bucket policy requires.
      'aws:SecureTransport': 'true',
      ...request.context,
    };
    const key = JSON.stringify([request.action, request.resource, context]);
    let mine = this.decided.get(request.principal);
    if (!mine) {
      mine = new Map();
      this.decided.set(request.principal, mine);
    }
    const known = mine.get(key);
    if (known && !request.resourcePolicy) return known;
    const results = await runSimulation(
      {
        identityPolicies: request.principal.policies.map((p) => ({ name: p.name, policy: p.document })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
        request: {
          principal: request.principal.arn,
          action: request.action,
          resource: { resource: literally(request.resource), accountId: this.account },
          contextVariables: context as Record<string, string | string[]>,
        },
      },
      {},
    );
    const decision = decisionOf(results, request);
    if (mine.size > 10_000) mine.clear();
    if (!request.resourcePolicy) mine.set(key, decision);
    return decision;
  }
}

function decisionOf(results: Awaited<ReturnType<typeof runSimulation>>, request: AccessRequest): Decision {
  const what = `${request.principal.arn} ${request.action} ${request.resource}`;
  if (results.resultType === 'error') {
    return {
      allowed: false,
      explicit: false,
      reason: `cannot be evaluated: ${what}: ${JSON.stringify(results.errors)}`,
    };
  }
  if (results.resultType === 'wildcard' && results.overallResult === 'Allowed') {
    // The evaluator reads a resource of `*` as "some resource" (a what-if) and allows it if any
    // one would be. IAM reads a request on `*` (DescribeStacks without a name) as a request on
    // `*`: only a statement on every resource allows it.
    const everything = results.results.some(
      (r) => r.resourcePattern === '*' && r.analysis.result === 'Allowed',
    );
    if (everything) return { allowed: true };
    return { allowed: false, explicit: false, reason: `${what}: no policy allows it on every resource` };
  }
  if (results.overallResult === 'Allowed') return { allowed: true };
  const explicit = results.overallResult === 'ExplicitlyDenied';
  const denials =
    results.resultType === 'single'
      ? getDenialReasons(results.result.analysis)
          .map((d) =>
            [d.policyType, 'statementId' in d ? d.statementId : undefined].filter(Boolean).join(' '),
          )
          .join(', ')
      : '';
  return {
    allowed: false,
    explicit,
    reason: `${what}: ${explicit ? `explicitly denied (${denials})` : 'no policy allows it'}`,
  };
}

/**
 * A request's resource as IAM reads it: a name, never a pattern. An S3 key may hold `*` or `?`
 * (`users/alice/a*.csv`), which only a policy may use as wildcards; the evaluator would read them
 * as its own and allow `users/*` to whoever owns any one folder. Each becomes a look-alike no
 * policy holds, so a policy's wildcards still match it and a literal never does. A resource of
 * just `*` (an action on every resource) stays as it is: `decisionOf` judges it.
 */
function literally(resource: string): string {
  return resource === '*' ? resource : resource.replace(/\*/g, '\u2217').replace(/\?/g, '\uff1f');
}
