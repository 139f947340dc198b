import type { ec2StateChange } from '../../contracts/catalog';
import type { Delivered } from '../kit/define-service';
import type { Compute } from '../kit/ports';
import { TAGS } from '../kit/ports';
import { tagsOfInstance } from '../shared/session-of-instance';
import type { JournalChange } from './journal-change';

/**
 * The timeline's names for what EC2 itself reports, whoever caused it: kismo, the instance (a run's
 * `--then`), or someone in the console. `foldState` moves the session on them as on kismo's events.
 */
export const EC2_ENTRIES = {
  stopped: 'EC2 Instance Stopped',
  terminated: 'EC2 Instance Terminated',
  running: 'EC2 Instance Running',
} as const;

const SAID: Record<keyof typeof EC2_ENTRIES, string> = {
  stopped: 'the instance stopped (EC2)',
  terminated: 'the instance terminated (EC2)',
  running: 'the instance is running (EC2)',
};

/**
 * What an EC2 state change tells a managed instance's session, from the instance's tags (owner
 * and session); `undefined` for other states, other instances, or one EC2 no longer describes.
 */
export async function ec2Change(
  event: Delivered<typeof ec2StateChange>,
  compute: Compute,
): Promise<(JournalChange & { sessionId: string }) | undefined> {
  const { state, 'instance-id': instanceId } = event.detail;
  if (!(state in EC2_ENTRIES)) return undefined;
  const said = state as keyof typeof EC2_ENTRIES;
  const tags = await tagsOfInstance(compute, instanceId);
  const owner = tags?.[TAGS.owner];
  const sessionId = tags?.[TAGS.session];
  if (tags?.[TAGS.managed] !== 'true' || !owner || !sessionId) return undefined;
  return {
    owner,
    sessionId,
    instanceId,
    entry: {
      at: event.envelope.time,
      detailType: EC2_ENTRIES[said],
      summary: SAID[said],
      eventId: event.envelope.id,
    },
    facts: {},
    ...(said === 'running' ? {} : { reason: SAID[said] }),
  };
}
