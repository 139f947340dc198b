import {
  type _InstanceType,
  CreateTagsCommand,
  EC2Client,
  type Instance as Ec2Instance,
  type Filter,
  GetConsoleOutputCommand,
  paginateDescribeInstances,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  type Tag,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { InstanceState } from '../../../contracts/aws/ec2-state-change';
import { chunk } from '../chunk';
import type { PortMaker } from './maker';

export type { InstanceState };

/** Tags on every instance kismo manages: they are also what IAM conditions key on. */
export const TAGS = {
  managed: 'kismo:managed',
  owner: 'kismo:owner',
  session: 'kismo:session',
  stoppedBy: 'kismo:stopped-by',
  stoppedAt: 'kismo:stopped-at',
} as const;

export interface LaunchSpec {
  /** Makes the launch idempotent: the same token never starts a second instance. */
  readonly clientToken: string;
  readonly instanceType: string;
  readonly subnetId?: string;
  /** The rendered user data, as text (the adapter base64-encodes it). */
  readonly userData: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly shutdownBehavior?: 'stop' | 'terminate';
  /** The instance profile the instance runs with (its owner's: `instanceRoleName`). */
  readonly instanceProfile?: string;
}

export interface Instance {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly state: InstanceState;
  readonly availabilityZone: string;
  readonly subnetId?: string;
  readonly privateIp?: string;
  readonly publicIp?: string;
  readonly launchedAt: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface InstanceFilter {
  readonly instanceIds?: readonly string[];
  readonly states?: readonly InstanceState[];
  /** Only instances whose tags have these values. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Insufficient capacity for this type in this subnet/zone: another one may have it. */
export class InsufficientCapacityError extends Error {
  constructor(
    readonly instanceType: string,
    readonly subnetId: string | undefined,
  ) {
    super(`no capacity for ${instanceType}${subnetId ? ` in ${subnetId}` : ''}`);
    this.name = 'InsufficientCapacityError';
  }
}

/** EC2, as the services see it. Every action is limited to kismo-managed instances. */
export interface Compute {
  launch(spec: LaunchSpec): Promise<Instance>;
  describe(filter: InstanceFilter): AsyncIterable<Instance>;
  stop(instanceIds: readonly string[]): Promise<void>;
  start(instanceIds: readonly string[]): Promise<void>;
  terminate(instanceIds: readonly string[]): Promise<void>;
  tag(instanceIds: readonly string[], tags: Readonly<Record<string, string>>): Promise<void>;
  consoleOutput(instanceId: string): Promise<string>;
  /** Local cloud only: the folder that stands for the instance's disk. */
  sandbox?(instanceId: string): string | undefined;
}

export interface Ec2ComputeOptions {
  /** The launch template that supplies the AMI, security groups and instance profile. */
  readonly launchTemplateId?: string;
  /** Used when no `launchTemplateId` is given. */
  readonly launchTemplateName?: string;
}

/** EC2 takes at most 1000 instance ids per Stop/Start/Terminate/CreateTags call. */
const MAX_IDS_PER_CALL = 1000;

// `Unsupported` is what RunInstances says when the zone does not offer the type at all:
// like a capacity shortage, another subnet may succeed.
const CAPACITY_ERRORS = new Set(['InsufficientInstanceCapacity', 'Unsupported']);

const toTags = (tags: Readonly<Record<string, string>>): Tag[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

const fromTags = (tags: readonly Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? '']])));

const toInstance = (i: Ec2Instance): Instance => ({
  instanceId: i.InstanceId ?? '',
  instanceType: i.InstanceType ?? '',
  state: (i.State?.Name ?? 'pending') as InstanceState,
  availabilityZone: i.Placement?.AvailabilityZone ?? '',
  subnetId: i.SubnetId,
  privateIp: i.PrivateIpAddress,
  publicIp: i.PublicIpAddress,
  launchedAt: i.LaunchTime?.toISOString() ?? '',
  tags: fromTags(i.Tags),
});

/** EC2 takes at most 200 values in one filter. */
const MAX_FILTER_VALUES = 200;

/**
 * Always narrowed to kismo-managed instances (the port's promise), and ids as a filter rather than
 * `InstanceIds`, so an id EC2 no longer knows is simply absent instead of failing the whole call.
 */
const toFilters = (filter: InstanceFilter, ids?: readonly string[]): Filter[] => [
  ...Object.entries({ ...filter.tags, [TAGS.managed]: 'true' }).map(([key, value]) => ({
    Name: `tag:${key}`,
    Values: [value],
  })),
  ...(filter.states?.length ? [{ Name: 'instance-state-name', Values: [...filter.states] }] : []),
  ...(ids ? [{ Name: 'instance-id', Values: [...ids] }] : []),
];

/**
 * EC2 through the control plane's role.
 *
 * @param client an EC2 client built by the caller
 * @param options the launch template every instance starts from (it holds the AMI)
 */
export function ec2Compute(client: EC2Client, options: Ec2ComputeOptions): Compute {
  const inChunks = async (
    ids: readonly string[],
    send: (ids: string[]) => Promise<unknown>,
  ): Promise<void> => {
    for (const batch of chunk(ids, MAX_IDS_PER_CALL)) await send(batch);
  };

  const launchTemplate = () => {
    if (options.launchTemplateId) return { LaunchTemplateId: options.launchTemplateId };
    if (options.launchTemplateName) return { LaunchTemplateName: options.launchTemplateName };
    throw new Error('ec2Compute needs a launchTemplateId or launchTemplateName to launch an instance');
  };

  return {
    async launch(spec: LaunchSpec): Promise<Instance> {
      const tags = toTags(spec.tags);
      try {
        const output = await client.send(
          new RunInstancesCommand({
            MinCount: 1,
            MaxCount: 1,
            ClientToken: spec.clientToken,
            InstanceType: spec.instanceType as _InstanceType,
            SubnetId: spec.subnetId,
            LaunchTemplate: launchTemplate(),
            UserData: Buffer.from(spec.userData).toString('base64'),
            TagSpecifications: [
              { ResourceType: 'instance', Tags: tags },
              { ResourceType: 'volume', Tags: tags },
            ],
            InstanceInitiatedShutdownBehavior: spec.shutdownBehavior,
            IamInstanceProfile: spec.instanceProfile ? { Name: spec.instanceProfile } : undefined,
            MetadataOptions: { HttpTokens: 'required' },
          }),
        );
        const launched = output.Instances?.[0];
        if (!launched) throw new Error(`RunInstances returned no instance for ${spec.clientToken}`);
        const instance = toInstance(launched);
        return { ...instance, tags: { ...spec.tags, ...instance.tags } };
      } catch (error) {
        if (CAPACITY_ERRORS.has((error as { name?: string }).name ?? '')) {
          throw new InsufficientCapacityError(spec.instanceType, spec.subnetId);
        }
        throw error;
      }
    },

    async *describe(filter: InstanceFilter): AsyncIterable<Instance> {
      // An empty id list means "none", but DescribeInstances would read it as "all".
      if (filter.instanceIds?.length === 0) return;
      const idGroups = filter.instanceIds ? chunk(filter.instanceIds, MAX_FILTER_VALUES) : [undefined];
      for (const ids of idGroups) {
        const input = { Filters: toFilters(filter, ids) };
        for await (const page of paginateDescribeInstances({ client }, input)) {
          for (const reservation of page.Reservations ?? []) {
            for (const instance of reservation.Instances ?? []) yield toInstance(instance);
          }
        }
      }
    },

    stop: (ids) => inChunks(ids, (InstanceIds) => client.send(new StopInstancesCommand({ InstanceIds }))),
    start: (ids) => inChunks(ids, (InstanceIds) => client.send(new StartInstancesCommand({ InstanceIds }))),
    terminate: (ids) =>
      inChunks(ids, (InstanceIds) => client.send(new TerminateInstancesCommand({ InstanceIds }))),
    async tag(ids, tags) {
      // CreateTags rejects an empty tag list; nothing to write is not an error.
      if (Object.keys(tags).length === 0) return;
      await inChunks(ids, (Resources) =>
        client.send(new CreateTagsCommand({ Resources, Tags: toTags(tags) })),
      );
    },

    async consoleOutput(instanceId: string): Promise<string> {
      const output = await client.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }));
      return output.Output ? Buffer.from(output.Output, 'base64').toString('utf8') : '';
    },
  };
}

export const makeCompute: PortMaker<Compute> = (config, env) =>
  ec2Compute(new EC2Client({ region: config.region }), { launchTemplateId: env.LAUNCH_TEMPLATE_ID });
