import type { Compute } from '../kit/ports';
import { TAGS } from '../kit/ports';

/** An instance's tags; `undefined` when EC2 no longer knows the instance. */
export async function tagsOfInstance(
  compute: Compute,
  instanceId: string,
): Promise<Readonly<Record<string, string>> | undefined> {
  try {
    for await (const instance of compute.describe({ instanceIds: [instanceId] })) return instance.tags;
  } catch (error) {
    if ((error as Error).name !== 'InvalidInstanceID.NotFound') throw error;
  }
  return undefined;
}

/**
 * The session an instance belongs to, from its `kismo:session` tag — for the events that carry
 * only an instance id. `undefined` when EC2 no longer knows the instance or it has no such tag.
 */
export async function sessionOfInstance(compute: Compute, instanceId: string): Promise<string | undefined> {
  return (await tagsOfInstance(compute, instanceId))?.[TAGS.session];
}
