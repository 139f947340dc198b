import { ownerCostsPrefix } from '../../contracts/cost-ledger';
import { OWNER_TAG } from '../../contracts/kit/correlation';
import { TAGS } from '../../services/kit/ports/compute';
import { type ArnScope, type Conditions, type Grant, statement } from './policy';

/**
 * IAM's variable for the caller's owner: the `kismo-owner` tag of an IAM user, or of an Identity
 * Center or federated session. The owner of everything under `users/<owner>/`.
 */
export const OWNER = `\${aws:PrincipalTag/${OWNER_TAG}}`;

/** IAM's variable for the caller's user name (IAM users only). */
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
 * What every grant of an owner's requires of the caller: a `kismo-owner` tag (without one, IAM
 * cannot resolve the variable and the statement matches nothing; said here too, for the reader),
 * holding no `/`, so the prefix it names is one folder under `users/`.
 */
const HAS_OWNER: Conditions = {
  Null: { [`aws:PrincipalTag/${OWNER_TAG}`]: 'false' },
  StringNotLike: { [`aws:PrincipalTag/${OWNER_TAG}`]: '*/*' },
};

/**
 * `KismoUser`: what a kismo user may do, whoever they sign in as (an IAM user, an Identity Center
 * user through a permission set, a federated role): their own prefix in the data bucket, named by
 * their `kismo-owner` tag, and nothing of anyone else's; to read, not write, the cost estimator's
 * ledgers of their own sessions (`kismo cost`); to read the stack's outputs
 * (`kismo init`); and to open Session Manager sessions on the instances tagged as theirs. They may
 * never set or change a `kismo-owner` tag: only an administrator names a person's owner. No EC2,
 * EventBridge or Lambda rights: the control plane acts for them.
 */
export function userGrants(targets: UserTargets): Grant[] {
  const { arns, bucketArn } = targets;
  const regional = (service: string, resource: string) =>
    `arn:${arns.partition}:${service}:${arns.region}:${arns.account}:${resource}`;
  const own = `users/${OWNER}/*`;
  const ownCosts = `${ownerCostsPrefix(OWNER)}*`;
  return [
    {
      statement: statement({
        sid: 'OwnObjects',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [`${bucketArn}/${own}`],
        conditions: HAS_OWNER,
      }),
      wildcardReason: 'every key under the caller’s own users/<owner>/ prefix, and no other',
    },
    {
      statement: statement({
        sid: 'ListOwnPrefix',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: { ...HAS_OWNER, StringLike: { 's3:prefix': [own] } },
      }),
    },
    {
      // `kismo init` and `kismo doctor` read an IAM user's own kismo-owner tag. A session cannot
      // read its session tags (no AWS API returns them): the CLI proves its owner by listing.
      statement: statement({
        sid: 'ReadOwnUserTags',
        actions: ['iam:ListUserTags'],
        resources: [
          `arn:${arns.partition}:iam::${arns.account}:user/${USERNAME}`,
          `arn:${arns.partition}:iam::${arns.account}:user/*/${USERNAME}`,
        ],
      }),
      wildcardReason: 'the caller’s own IAM user, under any path: the name after the last slash is theirs',
    },
    {
      // The owner is the administrator's to set. An explicit deny wins over any allow the person
      // holds elsewhere: no tagging of a user or a role, and no session tags, with this key, in
      // any case (IAM's tag keys ignore case).
      statement: statement({
        sid: 'NeverChooseOwnOwner',
        effect: 'Deny',
        actions: ['iam:TagUser', 'iam:UntagUser', 'iam:TagRole', 'iam:UntagRole', 'sts:TagSession'],
        resources: ['*'],
        conditions: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [OWNER_TAG] } },
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
          ...HAS_OWNER,
          StringEquals: {
            [`ssm:resourceTag/${TAGS.managed}`]: 'true',
            [`ssm:resourceTag/${TAGS.owner}`]: OWNER,
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
    {
      // `kismo cost`: the estimator writes the ledgers outside users/, so no owner can change what
      // their sessions cost; the owner reads their own, and nothing else under kismo/.
      statement: statement({
        sid: 'ReadOwnCosts',
        actions: ['s3:GetObject'],
        resources: [`${bucketArn}/${ownCosts}`],
        conditions: HAS_OWNER,
      }),
      wildcardReason: 'the ledger of each of the caller’s own sessions under kismo/costs/<owner>/, read only',
    },
    {
      statement: statement({
        sid: 'ListOwnCosts',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: { ...HAS_OWNER, StringLike: { 's3:prefix': [ownCosts] } },
      }),
    },
  ];
}
