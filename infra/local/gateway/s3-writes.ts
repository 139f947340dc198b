import type { IncomingMessage } from 'node:http';
import { decodeKey, unescapeXml } from '../s3-text';

/** An S3 request that writes or deletes an object, recognised from its method, path and query (path-style). */
export type S3Write =
  | { kind: 'put'; bucket: string; key: string; reason: 'PutObject' | 'CopyObject' }
  | { kind: 'complete-multipart'; bucket: string; key: string }
  | { kind: 'delete'; bucket: string; key: string }
  | { kind: 'delete-many'; bucket: string };

/** Recognises the S3 requests that S3 would report to EventBridge; `undefined` for everything else. */
export function classifyS3Write(
  request: Pick<IncomingMessage, 'method' | 'url' | 'headers'>,
): S3Write | undefined {
  if (request.headers['x-amz-target']) return undefined; // SQS's and EventBridge's JSON protocols
  const url = new URL(request.url ?? '/', 'http://local');
  const [bucket, ...rest] = url.pathname.slice(1).split('/');
  if (!bucket) return undefined;
  const key = decodeKey(rest.join('/'));
  const query = url.searchParams;
  if (request.method === 'POST' && !key && query.has('delete')) return { kind: 'delete-many', bucket };
  if (!key) return undefined;
  if (request.method === 'PUT' && !query.has('uploadId') && !query.has('tagging') && !query.has('acl')) {
    return {
      kind: 'put',
      bucket,
      key,
      reason: request.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject',
    };
  }
  if (request.method === 'POST' && query.has('uploadId')) return { kind: 'complete-multipart', bucket, key };
  if (request.method === 'DELETE' && !query.has('uploadId')) return { kind: 'delete', bucket, key };
  return undefined;
}

/** The keys a DeleteObjects response reports as deleted. */
export function deletedKeys(responseXml: string): string[] {
  const keys: string[] = [];
  for (const match of responseXml.matchAll(/<Deleted>[\s\S]*?<Key>([\s\S]*?)<\/Key>[\s\S]*?<\/Deleted>/g)) {
    keys.push(unescapeXml(match[1] ?? ''));
  }
  return keys;
}

/** The XML body S3 answers a failed precondition with. */
export function preconditionFailedXml(key: string, condition: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>${condition}</Condition><Key>${key.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Key></Error>`;
}
