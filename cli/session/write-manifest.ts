import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type SessionManifest, sessionManifestSchema } from '../../contracts/manifest';
import { sessionKey } from '../../contracts/markers';
import { sha256Base64 } from '../sync/hash';

/**
 * Writes `users/<owner>/sessions/<sessionId>/manifest.json`, the request for an instance. Its
 * `Object Created` event starts the launch, so the caller writes it only once the dataset is in
 * place. `If-None-Match: *` makes it create-only: a session is requested once, never rewritten.
 */
export async function writeManifest(
  s3: S3Client,
  bucket: string,
  manifest: SessionManifest,
  signal?: AbortSignal,
): Promise<string> {
  const valid = sessionManifestSchema.parse(manifest);
  const key = sessionKey(valid.owner, valid.sessionId, 'manifest.json');
  const body = Buffer.from(`${JSON.stringify(valid, null, 2)}\n`);
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: 'application/json',
      ChecksumSHA256: sha256Base64(body),
      IfNoneMatch: '*',
    }),
    { abortSignal: signal },
  );
  return key;
}
