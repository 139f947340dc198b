import type { KismoConfig } from '../kit/config';
import { type Compute, TAGS } from '../kit/ports';
import { LaunchRefusal } from './launch-refusal';
import type { LaunchRequest } from './validate-request';

/**
 * The owner has fewer pending or running instances than the quota. The session's own instance
 * (a redelivered event, after the launch) does not count against it.
 */
export async function checkQuota(
  compute: Compute,
  config: KismoConfig,
  request: LaunchRequest,
): Promise<void> {
  const others: string[] = [];
  for await (const instance of compute.describe({
    tags: { [TAGS.managed]: 'true', [TAGS.owner]: request.owner },
    states: ['pending', 'running'],
  })) {
    if (instance.tags[TAGS.session] === request.sessionId) continue;
    others.push(`${instance.instanceId} (session ${instance.tags[TAGS.session] ?? 'unknown'})`);
  }
  if (others.length < config.quotaPerOwner) return;
  throw new LaunchRefusal(
    'quota-exceeded',
    `${request.owner} already has ${others.length} instances running, the most allowed is ${config.quotaPerOwner}: ${others.join(', ')}. Stop one with \`kismo stop <session>\` or \`kismo down <session>\`, then push again`,
    true,
  );
}
