import { type PinnedFile, pinsKey, renderPins } from '../../contracts/dataset-pins';
import { type SessionManifest, sessionKey, sessionManifestSchema } from '../../contracts/manifest';
import type { Objects } from '../../services/kit/ports/objects';

/**
 * Writes `users/<owner>/sessions/<sessionId>/manifest.json`, the request for an instance. Its
 * `Object Created` event starts the launch, so the caller writes it only once the dataset is in
 * place. `If-None-Match: *` makes it create-only: a session is requested once, never rewritten.
 */
export async function writeManifest(
  objects: Pick<Objects, 'put'>,
  manifest: SessionManifest,
  signal?: AbortSignal,
): Promise<string> {
  const valid = sessionManifestSchema.parse(manifest);
  const key = sessionKey(valid.owner, valid.sessionId, 'manifest.json');
  // The body's SHA-256 travels as its checksum: S3 stores the manifest only as it was sent.
  await objects.put(key, `${JSON.stringify(valid, null, 2)}\n`, {
    contentType: 'application/json',
    ifNoneMatch: true,
    signal,
  });
  return key;
}

/**
 * Writes the session's `dataset.tsv` (`contracts/dataset-pins.ts`): every file with the object
 * that holds it, so the instance gets the dataset as pushed even if it is pushed again before it
 * boots. Written before the manifest, create-only like it.
 */
export async function writePins(
  objects: Pick<Objects, 'put'>,
  session: { readonly owner: string; readonly sessionId: string },
  pins: readonly PinnedFile[],
  signal?: AbortSignal,
): Promise<string> {
  const key = pinsKey(session.owner, session.sessionId);
  await objects.put(key, renderPins(pins), {
    contentType: 'text/tab-separated-values',
    ifNoneMatch: true,
    signal,
  });
  return key;
}
