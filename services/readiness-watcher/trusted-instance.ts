import type { Compute, Instance } from '../kit/ports';
import { TAGS } from '../kit/ports';

/**
 * The instance a marker speaks for, when EC2 agrees: the owner may write any file under their
 * session prefix, so a marker is believed only if the instance it names is the one EC2 reports
 * tagged with that session, managed by kismo, and owned by the owner of the key.
 */
export async function trustedInstance(
  compute: Compute,
  owner: string,
  sessionId: string,
  instanceId: string,
): Promise<Instance | undefined> {
  for await (const instance of compute.describe({
    tags: { [TAGS.session]: sessionId, [TAGS.managed]: 'true' },
  })) {
    if (instance.instanceId === instanceId && instance.tags[TAGS.owner] === owner) return instance;
  }
  return undefined;
}

/** The session and owner EC2's tags give a kismo-managed instance, or `undefined` for any other. */
export function sessionTags(instance: Instance): { owner: string; sessionId: string } | undefined {
  const owner = instance.tags[TAGS.owner];
  const sessionId = instance.tags[TAGS.session];
  if (instance.tags[TAGS.managed] !== 'true' || !owner || !sessionId) return undefined;
  return { owner, sessionId };
}
