import { Stack } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TAGS } from '../../services/kit/ports/compute';
import { acknowledgeGrants } from './acknowledgements';
import type { Grant } from './capability-policies';

export interface UserPolicyProps {
  readonly bucket: IBucket;
  /** @default 'KismoUser' */
  readonly managedPolicyName?: string;
}

/** IAM's variable for the caller's user name: the owner of everything under `users/<owner>/`. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, resolved by IAM, not JavaScript
export const USERNAME = '${aws:username}';

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
    const grants = userGrants(props.bucket.bucketArn, Stack.of(this));
    this.policy = new ManagedPolicy(this, 'Policy', {
      managedPolicyName: props.managedPolicyName ?? 'KismoUser',
      description:
        'kismo users: read and write their own users/<name>/ prefix, connect to their own instances',
      statements: grants.map((g) => g.statement),
    });
    acknowledgeGrants(this.policy, grants);
  }
}

export function userGrants(bucketArn: string, stack: Stack): Grant[] {
  const own = `users/${USERNAME}/*`;
  return [
    {
      statement: new PolicyStatement({
        sid: 'OwnObjects',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [`${bucketArn}/${own}`],
      }),
      wildcardReason: 'every key under the caller’s own users/<name>/ prefix, and no other',
    },
    {
      statement: new PolicyStatement({
        sid: 'ListOwnPrefix',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: { StringLike: { 's3:prefix': [own] } },
      }),
    },
    {
      // `kismo init` writes the profile from the stack's outputs.
      statement: new PolicyStatement({
        sid: 'ReadStackOutputs',
        actions: ['cloudformation:DescribeStacks'],
        resources: [stack.stackId],
      }),
    },
    {
      // `Instance Ready` tells the owner how to connect: Session Manager, as there is no inbound SSH.
      statement: new PolicyStatement({
        sid: 'ConnectToOwnInstances',
        actions: ['ssm:StartSession'],
        resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
        conditions: {
          StringEquals: {
            [`ssm:resourceTag/${TAGS.managed}`]: 'true',
            [`ssm:resourceTag/${TAGS.owner}`]: USERNAME,
          },
        },
      }),
      wildcardReason:
        'instance ids are not known in advance; only instances tagged as managed by kismo and owned by the caller',
    },
    {
      statement: new PolicyStatement({
        sid: 'SessionDocuments',
        actions: ['ssm:StartSession'],
        resources: [
          'SSM-SessionManagerRunShell',
          'AWS-StartSSHSession',
          'AWS-StartPortForwardingSession',
        ].map((document) =>
          document.startsWith('AWS-')
            ? `arn:${stack.partition}:ssm:${stack.region}::document/${document}`
            : stack.formatArn({ service: 'ssm', resource: 'document', resourceName: document }),
        ),
      }),
    },
    {
      statement: new PolicyStatement({
        sid: 'OwnSessions',
        actions: ['ssm:TerminateSession', 'ssm:ResumeSession'],
        resources: [stack.formatArn({ service: 'ssm', resource: 'session', resourceName: `${USERNAME}-*` })],
      }),
      wildcardReason:
        'Session Manager names a session after its user and a random suffix; only the caller’s own',
    },
  ];
}
