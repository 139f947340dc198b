import type { z } from 'zod';
import { type SessionManifest, sessionManifestSchema } from '../../contracts/manifest';
import type { Objects } from '../kit/ports';
import { LaunchRefusal } from './launch-refusal';

const PUSH_AGAIN = 'run `kismo push` again (update kismo first if it keeps happening)';

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(manifest)'}: ${i.message}`)
    .join('; ');
}

/**
 * Reads a session manifest. A manifest that is gone, is not JSON or breaks the schema is refused
 * (`invalid-manifest`); a failure to read it at all (S3 throttling, an outage) is thrown, so SQS
 * delivers the event again.
 */
export async function readManifest(objects: Objects, key: string): Promise<SessionManifest> {
  const object = await objects.get(key);
  if (!object) throw new LaunchRefusal('invalid-manifest', `${key} is gone: ${PUSH_AGAIN}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(object.body));
  } catch {
    throw new LaunchRefusal('invalid-manifest', `${key} is not readable JSON: ${PUSH_AGAIN}`);
  }
  const parsed = sessionManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new LaunchRefusal(
      'invalid-manifest',
      `${key} is not a valid session manifest (${describeIssues(parsed.error)}): ${PUSH_AGAIN}`,
    );
  }
  return parsed.data;
}
