// EC2's instance lifecycle: which API call moves an instance from which state, and where each
// in-between state ends up on its own.
import type { InstanceState } from '../../../services/kit/ports';
import { Ec2Error } from './ec2-error';

/** The state-changing API calls. */
export type InstanceAction = 'stop' | 'start' | 'terminate';

interface ActionRule {
  /** The states the call moves on from, into `to`. */
  readonly from: readonly InstanceState[];
  /** The states where the call succeeds without changing anything (EC2 answers with the same state). */
  readonly unchanged: readonly InstanceState[];
  readonly to: InstanceState;
  /** For EC2's wording: "is not in a state from which it can be <verb>". */
  readonly verb: string;
}

/** Every state not listed in `from` or `unchanged` is an IncorrectInstanceState error. */
export const actionRules: Readonly<Record<InstanceAction, ActionRule>> = {
  stop: { from: ['pending', 'running'], unchanged: ['stopping', 'stopped'], to: 'stopping', verb: 'stopped' },
  start: { from: ['stopped'], unchanged: ['pending', 'running'], to: 'pending', verb: 'started' },
  terminate: {
    from: ['pending', 'running', 'stopping', 'stopped'],
    unchanged: ['shutting-down', 'terminated'],
    to: 'shutting-down',
    verb: 'terminated',
  },
};

/** Where an in-between state goes once its delay has passed; stable states are absent. */
export const settlesInto: Readonly<Partial<Record<InstanceState, InstanceState>>> = {
  pending: 'running',
  stopping: 'stopped',
  'shutting-down': 'terminated',
};

/**
 * The instances the call moves on; the others it leaves as they are. EC2 checks the whole request
 * before it changes anything, so one instance in a wrong state fails the call for all.
 */
export function instancesToMove<T extends { readonly instanceId: string; readonly state: InstanceState }>(
  action: InstanceAction,
  instances: readonly T[],
): T[] {
  const rule = actionRules[action];
  for (const { instanceId, state } of instances) {
    if (rule.from.includes(state) || rule.unchanged.includes(state)) continue;
    throw new Ec2Error(
      'IncorrectInstanceState',
      `The instance '${instanceId}' is not in a state from which it can be ${rule.verb}.`,
    );
  }
  return instances.filter(({ state }) => rule.from.includes(state));
}
