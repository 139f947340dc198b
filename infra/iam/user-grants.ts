import { TAGS } from '../../services/kit/ports/compute';
import { type ArnScope, type Grant, statement } from './policy';

/** IAM's variable for the caller's user name: the owner of everything under `users/<owner>/`. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, resolved by IAM, not JavaScript
export const USERNAME = '${aws:username}';

/** IAM's variable for the caller's unique id: a user's, or a role session's `role-id:session-name`. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, resolved by IAM, not JavaScript
export const USER_ID = '${aws:userid}';

/** What a user's policy names: the data bucket, the stack (for its outputs), where instances run. */
export interface UserTargets {
  readonly arns: ArnScope;
  readonly bucketArn: string;
  readonly stackId: string;
}

/**
 * `KismoUser`: what a kismo user may do. Their own prefix in the data bucket and nothing of anyone
 * else's; to read the stack's outputs (`kismo init`); and to open Session Manager sessions on the
 * instances tagged as theirs. No EC2, EventBridge or Lambda rights: the control plane acts for them.
 */
export function userGrants(targets: UserTargets): Grant[] {
  const { arns, bucketArn } = targets;
  const regional = (service: string, resource: string) =>
    `arn:${arns.partition}:${service}:${arns.region}:${arns.account}:${resource}`;
  const own = `users/${USERNAME}/*`;
  return [
    {
      statement: statement({
        sid: 'OwnObjects',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [`${bucketArn}/${own}`],
      }),
      wildcardReason: 'every key under the caller’s own users/<name>/ prefix, and no other',
    },
    {
      statement: statement({
        sid: 'ListOwnPrefix',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: { StringLike: { 's3:prefix': [own] } },
      }),
    },
    {
      // `kismo init` writes the profile from the stack's outputs.
      statement: statement({
        sid: 'ReadStackOutputs',
        actions: ['cloudformation:DescribeStacks'],
        resources: [targets.stackId],
      }),
    },
    {
      // `Instance Ready` tells the owner how to connect: Session Manager, as there is no inbound SSH.
      statement: statement({
        sid: 'ConnectToOwnInstances',
        actions: ['ssm:StartSession'],
        resources: [regional('ec2', 'instance/*')],
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
      statement: statement({
        sid: 'SessionDocuments',
        actions: ['ssm:StartSession'],
        resources: [
          'SSM-SessionManagerRunShell',
          'AWS-StartSSHSession',
          'AWS-StartPortForwardingSession',
        ].map((document) =>
          document.startsWith('AWS-')
            ? `arn:${arns.partition}:ssm:${arns.region}::document/${document}`
            : regional('ssm', `document/${document}`),
        ),
      }),
    },
    {
      // Session Manager tags each session with the user id of whoever started it: equal, not a
      // prefix of a name, so alice never matches the sessions of alice-ops.
      statement: statement({
        sid: 'OwnSessions',
        actions: ['ssm:TerminateSession', 'ssm:ResumeSession'],
        resources: [regional('ssm', 'session/*')],
        conditions: { StringEquals: { 'ssm:resourceTag/aws:ssmmessages:session-id': USER_ID } },
      }),
      wildcardReason:
        'session ids are not known in advance; only sessions Session Manager tagged with the caller’s own user id',
    },
  ];
}
