// How the local cloud sets up its simulated EC2, and what the simulation tells it back.
import type { Clock, Instance, InstanceState } from '../../../services/kit/ports';
import { Ec2Error } from './ec2-error';

/** What EC2's `EC2 Instance State-change Notification` tells, plus the instance as it now is. */
export interface StateChange {
  readonly instanceId: string;
  readonly state: InstanceState;
  /** Absent for a launch, whose first state is `pending`. */
  readonly previousState: InstanceState | undefined;
  readonly instance: Instance;
}

/** A subnet instances can be launched into, and the availability zone it lies in. */
export interface SimulatedSubnet {
  readonly subnetId: string;
  readonly availabilityZone: string;
}

export interface SimulatedEc2Options {
  /** JSON file the instances are saved to after every change and loaded from on start. @default memory only */
  readonly stateFile?: string;
  readonly clock: Clock;
  /** How long `pending` lasts. @default 0 (the next turn of the event loop) */
  readonly bootDelayMs?: number;
  /** How long `stopping` and `shutting-down` last. @default 0 */
  readonly stopDelayMs?: number;
  /** Where instances can go; a launch that names no subnet gets the first. @default `subnet-local-a` in `local-1a` */
  readonly subnets?: readonly SimulatedSubnet[];
  /** Says when a launch fails with InsufficientCapacityError. @default never */
  readonly insufficientCapacity?: (instanceType: string, subnetId: string) => boolean;
  /** Called for every state change, in order per instance, and awaited. */
  readonly onStateChange?: (change: StateChange) => void | Promise<void>;
  /** Runs the user data: once per instance, after its first time in `running` (as cloud-init does). */
  readonly onBoot?: (instance: Instance, userData: string) => Promise<void>;
  /** Each instance gets a folder `<sandboxRoot>/<instanceId>`. @default no sandbox */
  readonly sandboxRoot?: string;
  /**
   * Whether an instance profile of this name exists (the local cloud's IAM knows each owner's).
   * @default every name does
   */
  readonly instanceProfileExists?: (name: string) => boolean;
  /** Failures of the callbacks, which never fail an EC2 call. @default written to stderr */
  readonly onError?: (error: unknown, instanceId: string) => void;
}

const defaultSubnets: readonly SimulatedSubnet[] = [
  { subnetId: 'subnet-local-a', availabilityZone: 'local-1a' },
];

/** The subnet a launch goes to; `InvalidSubnetID.NotFound` for one the simulation does not have. */
export function resolveSubnet(options: SimulatedEc2Options, subnetId: string | undefined): SimulatedSubnet {
  const subnets = options.subnets ?? defaultSubnets;
  const subnet = subnetId === undefined ? subnets[0] : subnets.find((s) => s.subnetId === subnetId);
  if (!subnet) throw new Ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
  return subnet;
}
