import type { Compute, Instance } from '../kit/ports';
import { TAGS } from '../kit/ports';
import { RequestRefused } from './control-context';

/**
 * The session's instance, as long as it belongs to `owner` (the request key's owner): EC2's
 * `kismo:session` and `kismo:owner` tags, set at launch, are the truth. A session id under one's
 * own prefix that names someone else's instance is refused.
 */
export async function findInstance(compute: Compute, owner: string, sessionId: string): Promise<Instance> {
  const found: Instance[] = [];
  for await (const instance of compute.describe({
    tags: { [TAGS.session]: sessionId },
    states: ['pending', 'running', 'stopping', 'stopped'],
  })) {
    found.push(instance);
  }
  const mine = found.find((instance) => instance.tags[TAGS.owner] === owner);
  if (mine) return mine;
  if (found.length > 0) {
    throw new RequestRefused(`session ${sessionId} belongs to another owner, not to ${owner}`);
  }
  throw new RequestRefused(`session ${sessionId} has no instance that is not terminated`);
}
