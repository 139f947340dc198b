import { KISMO_SOURCE } from '../../contracts/kit/define-event';
import { SLACK_PARAMETERS } from '../../contracts/slack-parameters';
import type { Capabilities, ComputeAction } from '../../services/kit/capabilities';
import { TAGS } from '../../services/kit/ports/compute';
import { type ArnScope, ec2Arn, type Grant, ssmParameterArn, statement, unique } from './policy';

export type { ArnScope, Grant };

/** What a launch may use: the hardened launch template and the network it points at. */
export interface LaunchTargets {
  readonly launchTemplateId: string;
  /** The owners' instance roles, any of which a launch may pass (`…:role/kismo/owners/*`). */
  readonly instanceRoleArn: string;
  readonly securityGroupId: string;
  readonly subnetIds: readonly string[];
  readonly imageId: string;
  readonly allowedInstanceTypes: readonly string[];
}

/** The resources capabilities are mapped onto. */
export interface CapabilityTargets {
  readonly arns: ArnScope;
  readonly bucketArn: string;
  readonly eventBusArn: string;
  readonly launch: LaunchTargets;
}

/** What the mapping needs of a service definition. */
export interface GrantedService {
  readonly name: string;
  readonly capabilities: Capabilities;
  readonly emits: readonly { readonly source: string }[];
}

/** `kismo:managed = true` is on every instance kismo starts; EC2 rights never reach other instances. */
const MANAGED = { [`aws:ResourceTag/${TAGS.managed}`]: 'true' };

/** The tags a service may change after launch: never the ones ownership and IAM depend on. */
export const MUTABLE_TAGS = Object.values(TAGS).filter(
  (tag) => tag !== TAGS.managed && tag !== TAGS.owner && tag !== TAGS.session,
);

const INSTANCE_ACTIONS: Partial<Record<ComputeAction, string>> = {
  stop: 'ec2:StopInstances',
  start: 'ec2:StartInstances',
  terminate: 'ec2:TerminateInstances',
  'console-output': 'ec2:GetConsoleOutput',
};

/** Every statement a service's role gets: its capabilities, and publishing what it emits. */
export function serviceGrants(service: GrantedService, targets: CapabilityTargets): Grant[] {
  const { objects, compute = [], chat } = service.capabilities;
  return [
    ...(objects ? objectGrants(objects, targets.bucketArn) : []),
    ...computeGrants(compute, targets),
    ...(chat ? [chatGrant(targets.arns)] : []),
    ...publishGrants(service.emits, targets.eventBusArn),
  ];
}

/** Key patterns of `capabilities.objects` as object ARNs of the data bucket. */
export function objectGrants(objects: NonNullable<Capabilities['objects']>, bucketArn: string): Grant[] {
  const grants: Grant[] = [];
  const keyGrant = (action: string, patterns: readonly string[] | undefined, verb: string) => {
    if (!patterns?.length) return;
    grants.push({
      statement: statement({
        sid: sid(action),
        actions: [action],
        resources: unique(patterns).map((pattern) => `${bucketArn}/${checkedPattern(pattern)}`),
      }),
      wildcardReason: `the service ${verb} only keys matching the patterns it declares in capabilities.objects; a wildcard stands for an owner, a session or a file name`,
    });
  };
  keyGrant('s3:GetObject', objects.read, 'reads');
  keyGrant('s3:PutObject', objects.write, 'writes');
  keyGrant('s3:DeleteObject', objects.delete, 'deletes');
  if (objects.read?.length) {
    // Without ListBucket S3 answers a missing key with 403 instead of 404, and the Objects port
    // reads "not there yet" (a first strike, a session without status) from NoSuchKey. S3 checks
    // it with no prefix in the request, so it cannot be narrowed by s3:prefix: key names are
    // listable, contents stay limited to the read patterns.
    grants.push({
      statement: statement({
        sid: 'TellMissingKeys',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
      }),
    });
  } else if (objects.list?.length) {
    grants.push({
      statement: statement({
        sid: 'ListDeclaredPrefixes',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: {
          StringLike: { 's3:prefix': unique(objects.list).map((p) => (p.endsWith('*') ? p : `${p}*`)) },
        },
      }),
    });
  }
  return grants;
}

/** EC2 actions, each on kismo-managed instances only (Describe cannot be scoped by AWS). */
export function computeGrants(actions: readonly ComputeAction[], targets: CapabilityTargets): Grant[] {
  const wanted = new Set(actions);
  const { arns } = targets;
  const instances = ec2Arn(arns, 'instance/*');
  const grants: Grant[] = [];
  if (wanted.has('describe')) {
    grants.push({
      statement: statement({
        sid: 'DescribeInstances',
        actions: ['ec2:DescribeInstances'],
        resources: ['*'],
      }),
      wildcardReason: 'EC2 Describe actions support no resource-level permissions or conditions',
    });
  }
  const instanceActions = [...wanted].flatMap((a) => INSTANCE_ACTIONS[a] ?? []).sort();
  if (instanceActions.length) {
    grants.push({
      statement: statement({
        sid: 'ActOnManagedInstances',
        actions: instanceActions,
        resources: [instances],
        conditions: { StringEquals: MANAGED },
      }),
      wildcardReason:
        'instance ids are not known in advance; the kismo:managed tag condition limits the actions to instances kismo launched',
    });
  }
  if (wanted.has('tag')) {
    grants.push({
      statement: statement({
        sid: 'TagManagedInstances',
        actions: ['ec2:CreateTags'],
        resources: [instances],
        conditions: { StringEquals: MANAGED, 'ForAllValues:StringEquals': { 'aws:TagKeys': MUTABLE_TAGS } },
      }),
      wildcardReason:
        'instance ids are not known in advance; only kismo-managed instances, and never the owner, session or managed tags',
    });
  }
  if (wanted.has('launch')) grants.push(...launchGrants(targets));
  return grants;
}

/**
 * RunInstances authorizes every resource the launch touches. The instance must come from the
 * launch template (AMI, IMDSv2, encrypted root volume, security group, instance profile), be of
 * an allowed type and be tagged `kismo:managed`, so no other instance can be started.
 */
function launchGrants(targets: CapabilityTargets): Grant[] {
  const { arns, launch } = targets;
  const launchTemplateArn = ec2Arn(arns, `launch-template/${launch.launchTemplateId}`);
  const created = 'RunInstances creates it, so its id cannot be known in advance';
  return [
    {
      statement: statement({
        sid: 'LaunchFromTemplate',
        actions: ['ec2:RunInstances'],
        resources: [ec2Arn(arns, 'instance/*')],
        conditions: {
          StringEquals: {
            [`aws:RequestTag/${TAGS.managed}`]: 'true',
            'ec2:InstanceType': [...launch.allowedInstanceTypes],
            'ec2:MetadataHttpTokens': 'required',
          },
          ArnEquals: { 'ec2:LaunchTemplate': launchTemplateArn },
        },
      }),
      wildcardReason: `${created}; limited to the launch template, the allowed instance types, IMDSv2 and the kismo:managed tag`,
    },
    {
      statement: statement({
        sid: 'LaunchTaggedVolumes',
        actions: ['ec2:RunInstances'],
        resources: [ec2Arn(arns, 'volume/*')],
        conditions: { StringEquals: { [`aws:RequestTag/${TAGS.managed}`]: 'true' } },
      }),
      wildcardReason: `${created}; it must be tagged kismo:managed`,
    },
    {
      statement: statement({
        sid: 'LaunchNetworkInterfaces',
        actions: ['ec2:RunInstances'],
        resources: [ec2Arn(arns, 'network-interface/*')],
      }),
      wildcardReason: `${created}, in the subnet and security group granted beside it`,
    },
    {
      statement: statement({
        sid: 'LaunchWithTheseResources',
        actions: ['ec2:RunInstances'],
        resources: [
          launchTemplateArn,
          `arn:${arns.partition}:ec2:${arns.region}::image/${launch.imageId}`,
          ec2Arn(arns, `security-group/${launch.securityGroupId}`),
          ...launch.subnetIds.map((id) => ec2Arn(arns, `subnet/${id}`)),
        ],
      }),
    },
    {
      statement: statement({
        sid: 'TagAtLaunch',
        actions: ['ec2:CreateTags'],
        resources: [ec2Arn(arns, 'instance/*'), ec2Arn(arns, 'volume/*')],
        conditions: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
      }),
      wildcardReason:
        'tags are written as part of RunInstances only (ec2:CreateAction), on resources it creates',
    },
    {
      statement: statement({
        sid: 'PassInstanceRole',
        actions: ['iam:PassRole'],
        resources: [launch.instanceRoleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      }),
      wildcardReason:
        'each owner has an instance role of their own under the kismo/owners/ path; a launch passes its owner’s, to EC2 only',
    },
  ];
}

/** Chat: the Slack bot token's parameter, and no other. */
export function chatGrant(arns: ArnScope): Grant {
  return readParameterGrant('ReadSlackToken', arns, SLACK_PARAMETERS.botToken);
}

/** The Slack actions endpoint: the signing secret's parameter, and no other (never the bot token). */
export function slackSigningSecretGrant(arns: ArnScope): Grant {
  return readParameterGrant('ReadSlackSigningSecret', arns, SLACK_PARAMETERS.signingSecret);
}

/**
 * GetParameter on one SecureString parameter. No KMS grant goes with it: the parameters are
 * encrypted with the AWS managed key `aws/ssm`, whose key policy lets any principal of the account
 * use it through SSM (`kms:ViaService`), so decrypting follows from being allowed GetParameter.
 */
function readParameterGrant(sid: string, arns: ArnScope, name: string): Grant {
  return {
    statement: statement({ sid, actions: ['ssm:GetParameter'], resources: [ssmParameterArn(arns, name)] }),
  };
}

/** PutEvents on the kismo bus for a service that declares what it emits; only as `source: kismo`. */
export function publishGrants(emits: GrantedService['emits'], eventBusArn: string): Grant[] {
  if (emits.length === 0) return [];
  const sources = unique(emits.map((e) => e.source));
  if (sources.some((s) => s !== KISMO_SOURCE)) {
    throw new Error(
      `a service may only emit kismo events (source "${KISMO_SOURCE}"), not ${sources.join(', ')}`,
    );
  }
  return [
    {
      statement: statement({
        sid: 'PublishKismoEvents',
        actions: ['events:PutEvents'],
        resources: [eventBusArn],
        // events:source is multivalued (one value per entry of the batch): every entry must say
        // kismo, and a request without any source matches no ForAllValues test vacuously.
        conditions: {
          'ForAllValues:StringEquals': { 'events:source': [KISMO_SOURCE] },
          Null: { 'events:source': 'false' },
        },
      }),
    },
  ];
}

function checkedPattern(pattern: string): string {
  if (pattern === '' || pattern.startsWith('/')) {
    throw new Error(
      `object key pattern "${pattern}" must be a key inside the bucket, e.g. users/*/sessions/*/status.json`,
    );
  }
  return pattern;
}

function sid(action: string): string {
  const verb = action.split(':')[1] ?? action;
  return `${verb.replace('Object', '')}DeclaredKeys`;
}
