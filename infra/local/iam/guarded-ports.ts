import { INSTANCE_ROLE_PATH } from '../../../contracts/instance-roles';
import type { Compute, Instance, LaunchSpec } from '../../../services/kit/ports';
import { ec2Arn } from '../../iam/policy';
import type { AccessRequest } from './evaluator';
import type { LocalIam } from './local-iam';
import type { Principal } from './principal';

type Check = Omit<AccessRequest, 'principal'>;

/** An AWS API refusal, named as the SDK names the service's error. */
export class AccessDeniedError extends Error {
  constructor(
    name: string,
    readonly reason: string,
  ) {
    super(`You are not authorized to perform this operation. ${reason}`);
    this.name = name;
  }
}

/** Each tag of a resource as both condition keys EC2 evaluates: `aws:ResourceTag/…` and `ec2:ResourceTag/…`. */
function resourceTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags).flatMap(([key, value]) => [
      [`aws:ResourceTag/${key}`, value],
      [`ec2:ResourceTag/${key}`, value],
    ]),
  );
}

/** The tags a request sets: `aws:RequestTag/…` each, and their keys as `aws:TagKeys`. */
function requestTags(tags: Readonly<Record<string, string>>): Record<string, string | string[]> {
  return {
    ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
    'aws:TagKeys': Object.keys(tags),
  };
}

/**
 * The simulated EC2 as a function's role may use it: each call authorized as EC2 authorizes it
 * (RunInstances resource by resource, instance actions on the instance's ARN with its tags), and
 * refused with `UnauthorizedOperation` otherwise.
 */
export function guardedCompute(compute: Compute, iam: LocalIam, principal: Principal): Compute {
  const { arns, launch } = iam.targets;
  const instanceArn = (id: string) => ec2Arn(arns, `instance/${id}`);
  const allow = async (checks: Check[]) => {
    const decision = await iam.authorize(principal, checks);
    if (!decision.allowed) throw new AccessDeniedError('UnauthorizedOperation', decision.reason);
  };
  const tagsOf = async (ids: readonly string[]): Promise<Instance[]> => {
    const found: Instance[] = [];
    for await (const instance of compute.describe({ instanceIds: ids })) found.push(instance);
    return found;
  };
  const onInstances = async (action: string, ids: readonly string[]) =>
    allow(
      (await tagsOf(ids)).map((instance) => ({
        action,
        resource: instanceArn(instance.instanceId),
        context: resourceTags(instance.tags),
      })),
    );

  const launchChecks = (spec: LaunchSpec): Check[] => {
    const template = ec2Arn(arns, `launch-template/${launch.launchTemplateId}`);
    const tagged = requestTags(spec.tags);
    const run = (resource: string, context: Check['context'] = {}): Check => ({
      action: 'ec2:RunInstances',
      resource,
      context: { 'ec2:LaunchTemplate': template, ...context },
    });
    return [
      run(ec2Arn(arns, 'instance/i-00000000000000000'), {
        ...tagged,
        'ec2:InstanceType': spec.instanceType,
        'ec2:MetadataHttpTokens': 'required',
      }),
      run(ec2Arn(arns, 'volume/vol-00000000000000000'), tagged),
      run(ec2Arn(arns, 'network-interface/eni-00000000000000000')),
      run(template),
      run(`arn:${arns.partition}:ec2:${arns.region}::image/${launch.imageId}`),
      run(ec2Arn(arns, `security-group/${launch.securityGroupId}`)),
      run(ec2Arn(arns, `subnet/${spec.subnetId ?? launch.subnetIds[0] ?? 'subnet-local-a'}`)),
      ...['instance/i-00000000000000000', 'volume/vol-00000000000000000'].map((resource) => ({
        action: 'ec2:CreateTags',
        resource: ec2Arn(arns, resource),
        context: { ...tagged, 'ec2:CreateAction': 'RunInstances' },
      })),
      ...(spec.instanceProfile
        ? [
            {
              action: 'iam:PassRole',
              resource: `arn:aws:iam::${arns.account}:role${INSTANCE_ROLE_PATH}${spec.instanceProfile}`,
              context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
            },
          ]
        : []),
    ];
  };

  return {
    async launch(spec) {
      await allow(launchChecks(spec));
      return compute.launch(spec);
    },
    async *describe(filter) {
      await allow([{ action: 'ec2:DescribeInstances', resource: '*' }]);
      yield* compute.describe(filter);
    },
    async stop(ids) {
      await onInstances('ec2:StopInstances', ids);
      return compute.stop(ids);
    },
    async start(ids) {
      await onInstances('ec2:StartInstances', ids);
      return compute.start(ids);
    },
    async terminate(ids) {
      await onInstances('ec2:TerminateInstances', ids);
      return compute.terminate(ids);
    },
    async tag(ids, tags) {
      await allow(
        (await tagsOf(ids)).map((instance) => ({
          action: 'ec2:CreateTags',
          resource: instanceArn(instance.instanceId),
          context: { ...resourceTags(instance.tags), ...requestTags(tags) },
        })),
      );
      return compute.tag(ids, tags);
    },
    async consoleOutput(instanceId) {
      await onInstances('ec2:GetConsoleOutput', [instanceId]);
      return compute.consoleOutput(instanceId);
    },
    ...(compute.sandbox ? { sandbox: (id: string) => compute.sandbox?.(id) } : {}),
  };
}
