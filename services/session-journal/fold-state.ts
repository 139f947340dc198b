import type { SessionState } from '../../contracts/session-status';

/** The state each detail-type moves a session to; the others (idle, cost) leave it where it is. */
const proposes: Readonly<Record<string, SessionState>> = {
  'Instance Launched': 'launching',
  'Launch Failed': 'failed',
  'Instance Ready': 'ready',
  'Instance Boot Failed': 'failed',
  'Work Finished': 'finished',
  'Instance Stopped': 'stopped',
  'Instance Restarted': 'ready',
  'Instance Terminated': 'terminated',
  // EC2's own word, whoever acted (services/session-journal/ec2-change.ts).
  'EC2 Instance Stopped': 'stopped',
  'EC2 Instance Terminated': 'terminated',
  'EC2 Instance Running': 'ready',
};

/** The state a detail-type proposes, if any. */
export const proposedState = (detailType: string): SessionState | undefined => proposes[detailType];

/**
 * Whether an event may move the session from `current`. Events are folded in the order they
 * happened, so a late delivery lands where it belongs; these rules keep what is known for sure:
 * - nothing comes back from `terminated`;
 * - Instance Launched only ever starts a session (delivered late, it must not undo Ready);
 * - Instance Ready does not undo `finished` (the bootstrap may write ready.json after the run);
 * - EC2's `running` moves only a stopped session (started again behind kismo's back).
 */
function mayMove(current: SessionState | undefined, detailType: string): boolean {
  // Running is news only after a stop (started again in the console): at launch, Ready decides.
  if (detailType === 'EC2 Instance Running') return current === 'stopped';
  if (current === undefined) return true;
  if (current === 'terminated') return false;
  if (detailType === 'Instance Launched') return false;
  if (detailType === 'Instance Ready' && current === 'finished') return false;
  return true;
}

/**
 * The session's state from its timeline (sorted by time; ties in the order they arrived), and the
 * index of the entry that decided it (-1 when none did: a session only seen idle is `launching`).
 */
export function foldState(timeline: readonly { detailType: string }[]): { state: SessionState; by: number } {
  let state: SessionState | undefined;
  let by = -1;
  timeline.forEach((entry, index) => {
    const next = proposedState(entry.detailType);
    if (!next || !mayMove(state, entry.detailType)) return;
    state = next;
    by = index;
  });
  return { state: state ?? 'launching', by };
}
