import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';
import type { Grant } from '../iam/policy';

/** The cdk-nag rule an acknowledgement answers, and why the finding is intended. */
export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

/**
 * The exact IAM5 finding ids of a grant's wildcards, as cdk-nag 3 names them
 * (`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:…:instance/*]`): only what the grant's
 * reason explains is acknowledged, so a new wildcard without a reason still fails the synth.
 */
export function wildcardFindings(scope: IConstruct, grant: Grant): string[] {
  const json = Stack.of(scope).resolve(grant.statement) as {
    Action?: string | string[];
    Resource?: unknown;
  };
  const list = (value: unknown): unknown[] =>
    Array.isArray(value) ? value : value === undefined ? [] : [value];
  const actions = list(json.Action)
    .map(String)
    .filter((action) => action.includes('*'))
    .map((action) => `Action::${action}`);
  const resources = list(json.Resource)
    .map(flattenCfnReference)
    .filter((resource) => resource.includes('*'))
    .map((resource) => `Resource::${resource}`);
  return [...actions, ...resources].map((finding) => `AwsSolutions-IAM5[${finding}]`);
}

/** Acknowledges, on `scope` (a role or a policy), each wildcard its grants explain. */
export function acknowledgeGrants(scope: IConstruct, grants: readonly Grant[]): void {
  const reasons = new Map<string, string[]>();
  for (const grant of grants) {
    if (!grant.wildcardReason) continue;
    for (const id of wildcardFindings(scope, grant)) {
      reasons.set(id, [...(reasons.get(id) ?? []), grant.wildcardReason]);
    }
  }
  for (const [id, why] of reasons) acknowledge(scope, { id, reason: [...new Set(why)].join('; ') });
}

export function acknowledge(scope: IConstruct, ...acknowledgements: Acknowledgement[]): void {
  for (const { id, reason } of acknowledgements) {
    if (reason.trim().length < 20)
      throw new Error(`acknowledging ${id} needs a real reason, not "${reason}"`);
    Validations.of(scope).acknowledge({ id, reason });
  }
}
