import type { z } from 'zod';
import type { MarkerName } from '../../contracts/aws/s3-object-created';
import { sessionKey } from '../../contracts/manifest';
import {
  type FailedMarker,
  type FinishedMarker,
  failedMarkerSchema,
  finishedMarkerSchema,
  type ReadyMarker,
  readyMarkerSchema,
} from '../../contracts/markers';
import type { Objects } from '../kit/ports';

const schemas = {
  ready: readyMarkerSchema,
  failed: failedMarkerSchema,
  finished: finishedMarkerSchema,
} as const;

export interface MarkerOf {
  ready: ReadyMarker;
  failed: FailedMarker;
  finished: FinishedMarker;
}

/** A marker as read: its content, or why it cannot be used. */
export type MarkerRead<N extends MarkerName> =
  | { readonly ok: true; readonly marker: MarkerOf[N] }
  | { readonly ok: false; readonly problem: string };

/**
 * Reads and validates one marker. A missing or malformed marker is a `problem`, not an error: the
 * owner can write under their session prefix, and a retry would not make their file any better.
 */
export async function readMarker<N extends MarkerName>(
  objects: Objects,
  key: string,
  name: N,
): Promise<MarkerRead<N>> {
  const object = await objects.get(key);
  if (!object) return { ok: false, problem: 'the marker no longer exists' };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(object.body));
  } catch {
    return { ok: false, problem: 'the marker is not JSON' };
  }
  const parsed = (schemas[name] as z.ZodType).safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, problem: `the marker breaks its schema (${issues.join('; ')})` };
  }
  return { ok: true, marker: parsed.data as MarkerOf[N] };
}

/**
 * Whether the bootstrap of this instance already reported its end (ready, failed or finished): then
 * a stop, a termination or a passed deadline is no boot failure. Only markers naming this
 * instance count, so a file the owner wrote cannot hide a failed boot.
 */
export async function bootReported(
  objects: Objects,
  owner: string,
  sessionId: string,
  instanceId: string,
): Promise<boolean> {
  const names: MarkerName[] = ['ready', 'failed', 'finished'];
  const reads = await Promise.all(
    names.map((name) => readMarker(objects, sessionKey(owner, sessionId, `${name}.json`), name)),
  );
  return reads.some((read) => read.ok && read.marker.instanceId === instanceId);
}
