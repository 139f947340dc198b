import { refusedPort } from './lazy-port';
import type { Ports } from './ports';

/**
 * What a service may do outside itself, in words the AWS stack maps to least-privilege IAM
 * (resources and tag conditions) and the local cloud can check. Publishing the events a service
 * declares in `emits` needs no capability: it is derived.
 */
export interface Capabilities {
  /** Key patterns in the data bucket (`*` is any run of characters, as in an IAM resource). */
  readonly objects?: {
    readonly read?: readonly string[];
    readonly write?: readonly string[];
    readonly delete?: readonly string[];
    /** Prefixes the service may list. */
    readonly list?: readonly string[];
  };
  /** EC2 actions, always limited to instances tagged `kismo:managed`. */
  readonly compute?: readonly ComputeAction[];
  /** Reads the Slack token. */
  readonly chat?: boolean;
}

/** The ports a function may be given (the clock is every function's). */
export const portNames = ['objects', 'compute', 'bus', 'chat'] as const;
export type PortName = (typeof portNames)[number];

/**
 * The ports a service's capabilities reach, and the bus when it emits: all its function is given,
 * in AWS (its bundle holds only these adapters) as in the local cloud (`grantedPorts`).
 */
export function portsOf(service: {
  readonly capabilities: Capabilities;
  readonly emits: readonly unknown[];
}): PortName[] {
  const { objects, compute, chat } = service.capabilities;
  const uses: Record<PortName, boolean> = {
    objects: objects !== undefined,
    compute: (compute?.length ?? 0) > 0,
    chat: chat === true,
    bus: service.emits.length > 0,
  };
  return portNames.filter((name) => uses[name]);
}

/**
 * `ports` as `service` may use them: a port it declares no use of refuses every call, in every
 * host, so a use missing from the declaration fails in the tests and not only in AWS.
 */
export function grantedPorts(
  ports: Ports,
  service: { readonly name: string; readonly capabilities: Capabilities; readonly emits: readonly unknown[] },
): Ports {
  const granted = new Set(portsOf(service));
  const refused = portNames.filter((name) => !granted.has(name));
  if (refused.length === 0) return ports;
  return {
    ...ports,
    ...Object.fromEntries(
      refused.map((name) => [
        name,
        refusedPort(
          `service ${service.name} declares no use of the ${name} port: add it to the capabilities (or emits) in its service.ts`,
        ),
      ]),
    ),
  };
}

export const computeActions = [
  'launch',
  'describe',
  'stop',
  'start',
  'terminate',
  'tag',
  'console-output',
] as const;
export type ComputeAction = (typeof computeActions)[number];

/** Turns a capability key pattern into a RegExp (for the local cloud's checks). */
export function keyPatternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}
