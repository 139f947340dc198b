// IAM policy statements as JSON, with no CDK in sight: the stack deploys them (`PolicyStatement.fromJson`)
// and the local cloud evaluates the very same documents, so the two can never disagree.

/** Condition operator → condition key → value(s), as in an IAM policy. */
export type Conditions = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** One statement, as IAM reads it (a single action or resource as a string, several as a list). */
export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Conditions;
}

export interface PolicyDocumentJson {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatementJson[];
}

/** A statement and, when it must hold a wildcard, why that is still the least privilege. */
export interface Grant {
  readonly statement: PolicyStatementJson;
  /** Acknowledged as the reason of cdk-nag's IAM5 findings on this statement's wildcards. */
  readonly wildcardReason?: string;
}

/** Where ARNs are built: tokens in the stack, plain strings in the local cloud and unit tests. */
export interface ArnScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

const one = <T>(items: readonly T[]): T | readonly T[] => (items.length === 1 ? (items[0] as T) : items);

/** A statement in IAM's own shape: `Allow` unless told, one action or resource as a string. */
export function statement(props: {
  readonly sid: string;
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Conditions;
}): PolicyStatementJson {
  return {
    Sid: props.sid,
    Effect: props.effect ?? 'Allow',
    Action: one(props.actions),
    Resource: one(props.resources),
    ...(props.conditions ? { Condition: props.conditions } : {}),
  };
}

/** A policy document holding the grants' statements. */
export function documentOf(grants: readonly Grant[]): PolicyDocumentJson {
  return { Version: '2012-10-17', Statement: grants.map((g) => g.statement) };
}

export function ec2Arn(arns: ArnScope, resource: string): string {
  return `arn:${arns.partition}:ec2:${arns.region}:${arns.account}:${resource}`;
}

/** An SSM parameter's ARN from its name (`/kismo/…`: the ARN holds `parameter/kismo/…`, one slash). */
export function ssmParameterArn(arns: ArnScope, name: string): string {
  return `arn:${arns.partition}:ssm:${arns.region}:${arns.account}:parameter/${name.replace(/^\//, '')}`;
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
