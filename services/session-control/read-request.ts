import { MAX_KEEP_DAYS, type SessionRequest, sessionRequestSchema } from '../../contracts/session-request';
import type { Objects } from '../kit/ports';
import { RequestRefused } from './control-context';

const DAY_MS = 24 * 3600_000;

/**
 * The request object, validated: its body must match the contract and a keep's `until` must lie
 * ahead, at most MAX_KEEP_DAYS away. Anything else is refused (retrying would not change it).
 */
export async function readRequest(objects: Objects, key: string, now: Date): Promise<SessionRequest> {
  const object = await objects.get(key);
  if (!object) throw new RequestRefused('the request object is gone');
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(object.body));
  } catch {
    throw new RequestRefused('the request is not JSON');
  }
  const parsed = sessionRequestSchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new RequestRefused(`the request breaks its contract: ${problems.join('; ')}`);
  }
  const request = parsed.data;
  if (request.until) {
    const until = Date.parse(request.until);
    if (until <= now.getTime()) throw new RequestRefused(`keep until ${request.until} is already past`);
    if (until > now.getTime() + MAX_KEEP_DAYS * DAY_MS) {
      throw new RequestRefused(`keep until ${request.until} is more than ${MAX_KEEP_DAYS} days away`);
    }
  }
  return request;
}
