import type { Compute, Instance } from '../kit/ports';

/** How the owner reaches an instance, and where it is. */
export interface Reach {
  readonly address: string;
  readonly connect: string;
}

export interface ReachOptions {
  /** Set when the stack allows SSH in; otherwise SSM Session Manager (no inbound port at all). */
  readonly sshUser?: string;
}

/**
 * The address people use (the private one: instances sit in the VPC, reached over a VPN or SSM)
 * and the command that connects to it.
 */
export function reachOf(instance: Instance, options: ReachOptions = {}): Reach {
  const address = instance.privateIp ?? instance.publicIp ?? instance.instanceId;
  const connect = options.sshUser
    ? `ssh ${options.sshUser}@${instance.publicIp ?? address}`
    : `aws ssm start-session --target ${instance.instanceId}`;
  return { address, connect };
}

/** The simulated instance's folder in the local cloud; `undefined` on AWS, where there is none. */
export function sandboxOf(compute: Compute, instanceId: string): string | undefined {
  try {
    return compute.sandbox?.(instanceId);
  } catch {
    return undefined;
  }
}
