import { Stack } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { userGrants } from '../iam/user-grants';
import { acknowledgeGrants } from './acknowledgements';

export interface UserPolicyProps {
  readonly bucket: IBucket;
  /** @default 'KismoUser' */
  readonly managedPolicyName?: string;
}

/**
 * `KismoUser`: what a kismo user may do, attached to IAM users (or their group). Their own prefix
 * in the data bucket and nothing of anyone else's; to read the stack's outputs (`kismo init`); and
 * to open Session Manager sessions on the instances tagged as theirs. No EC2, EventBridge or Lambda
 * rights: the control plane acts for them.
 */
export class UserPolicy extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: UserPolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const grants = userGrants({
      arns: { partition: stack.partition, region: stack.region, account: stack.account },
      bucketArn: props.bucket.bucketArn,
      stackId: stack.stackId,
    });
    this.policy = new ManagedPolicy(this, 'Policy', {
      managedPolicyName: props.managedPolicyName ?? 'KismoUser',
      description:
        'kismo users: read and write their own users/<name>/ prefix, connect to their own instances',
      statements: grants.map((g) => PolicyStatement.fromJson(g.statement)),
    });
    acknowledgeGrants(this.policy, grants);
  }
}
