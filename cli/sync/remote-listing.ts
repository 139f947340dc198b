import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/** An object under the dataset prefix, as the listing shows it. */
export interface RemoteObject {
  readonly size: number;
  readonly etag: string;
}

/**
 * Every object under the prefix, by path relative to it: one request per 1,000 objects. The
 * listing is what guards against a stale index (objects deleted or replaced by someone else).
 */
export async function listRemote(
  s3: S3Client,
  bucket: string,
  prefix: string,
  signal?: AbortSignal,
): Promise<Map<string, RemoteObject>> {
  const objects = new Map<string, RemoteObject>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      { abortSignal: signal },
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key) continue;
      objects.set(object.Key.slice(prefix.length), { size: object.Size ?? 0, etag: normalEtag(object.ETag) });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** ETags come quoted from some calls and not others; compare them bare. */
export function normalEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/"/g, '');
}
