import type { InstanceState } from '../../../contracts/aws/ec2-state-change';

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
