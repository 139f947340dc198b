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
  readonly metrics?: readonly ('read' | 'write')[];
  /** Reads the Slack token. */
  readonly chat?: boolean;
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
