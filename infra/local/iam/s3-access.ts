import type { IncomingHttpHeaders } from 'node:http';
import { decodeKey, unescapeXml } from '../s3-text';

/** One IAM check an S3 request needs: an action on the bucket or on one object. */
export interface S3Access {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
  /** The object's key, for object-level actions. */
  readonly key?: string;
}

/** What an S3 request asks, as IAM authorizes it; `unsupported` for what the local cloud does not serve. */
export type S3Request =
  | {
      readonly kind: 'checks';
      readonly bucket?: string;
      readonly key?: string;
      readonly checks: readonly S3Access[];
    }
  /** DeleteObjects: S3 checks s3:DeleteObject for each key of the body, and reports each refusal. */
  | { readonly kind: 'delete-many'; readonly bucket: string }
  | { readonly kind: 'unsupported'; readonly what: string };

const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;

/** Bucket subresources (`?versioning`) and the actions that read (GET) or change (PUT) them. */
const BUCKET_SUBRESOURCES: Readonly<Record<string, readonly [get: string, put: string]>> = {
  versioning: ['s3:GetBucketVersioning', 's3:PutBucketVersioning'],
  location: ['s3:GetBucketLocation', 's3:GetBucketLocation'],
  policy: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'],
  acl: ['s3:GetBucketAcl', 's3:PutBucketAcl'],
  tagging: ['s3:GetBucketTagging', 's3:PutBucketTagging'],
  lifecycle: ['s3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration'],
  notification: ['s3:GetBucketNotification', 's3:PutBucketNotification'],
};

/**
 * The IAM checks of an S3 REST request (path-style, as the local cloud is addressed), after AWS's
 * table of S3 API operations and the actions they require: ListObjectsV2 and HeadBucket need
 * s3:ListBucket, a HEAD or GET of an object s3:GetObject, a copy s3:GetObject on its source and
 * s3:PutObject on its target, a multipart upload s3:PutObject throughout.
 */
export function s3RequestOf(method: string, url: string, headers: IncomingHttpHeaders): S3Request {
  const parsed = new URL(url, 'http://local');
  const [bucket = '', ...rest] = parsed.pathname.slice(1).split('/');
  const key = rest.length > 0 ? decodeKey(rest.join('/')) : '';
  const query = parsed.searchParams;
  const checks = (...list: S3Access[]): S3Request => ({ kind: 'checks', bucket, key, checks: list });
  if (!bucket) {
    return method === 'GET'
      ? { kind: 'checks', checks: [{ action: 's3:ListAllMyBuckets', resource: '*' }] }
      : { kind: 'unsupported', what: `${method} /` };
  }
  if (!key) {
    if (method === 'POST' && query.has('delete')) return { kind: 'delete-many', bucket };
    const sub = [...query.keys()].find((name) => name in BUCKET_SUBRESOURCES);
    if (sub) {
      const [get, put] = BUCKET_SUBRESOURCES[sub] ?? [];
      const action = method === 'GET' ? get : method === 'PUT' ? put : undefined;
      return action
        ? checks({ action, resource: bucketArn(bucket) })
        : { kind: 'unsupported', what: `${method} ?${sub}` };
    }
    if (method === 'GET' && query.has('uploads')) {
      return checks({ action: 's3:ListBucketMultipartUploads', resource: bucketArn(bucket) });
    }
    if (method === 'GET' || method === 'HEAD') {
      const context: Record<string, string> = {};
      for (const name of ['prefix', 'delimiter', 'max-keys'] as const) {
        const value = query.get(name);
        if (value !== null) context[`s3:${name}`] = value;
      }
      const action = query.has('versions') ? 's3:ListBucketVersions' : 's3:ListBucket';
      return checks({ action, resource: bucketArn(bucket), context });
    }
    if (method === 'PUT') return checks({ action: 's3:CreateBucket', resource: bucketArn(bucket) });
    if (method === 'DELETE') return checks({ action: 's3:DeleteBucket', resource: bucketArn(bucket) });
    return { kind: 'unsupported', what: `${method} on a bucket` };
  }
  const target = { resource: objectArn(bucket, key), key };
  const versioned = query.has('versionId');
  if (query.has('tagging')) {
    const action = {
      GET: 's3:GetObjectTagging',
      PUT: 's3:PutObjectTagging',
      DELETE: 's3:DeleteObjectTagging',
    }[method];
    return action ? checks({ action, ...target }) : { kind: 'unsupported', what: `${method} ?tagging` };
  }
  if (method === 'GET' || method === 'HEAD') {
    if (query.has('uploadId')) return checks({ action: 's3:ListMultipartUploadParts', ...target });
    return checks({ action: versioned ? 's3:GetObjectVersion' : 's3:GetObject', ...target });
  }
  if (method === 'PUT') {
    const source = headers['x-amz-copy-source'];
    if (typeof source === 'string' && !query.has('uploadId')) {
      const from = copySource(source);
      if (!from) return { kind: 'unsupported', what: `a copy from ${source}` };
      return checks(
        {
          action: from.version ? 's3:GetObjectVersion' : 's3:GetObject',
          resource: objectArn(from.bucket, from.key),
          key: from.key,
        },
        { action: 's3:PutObject', ...target },
      );
    }
    return checks({ action: 's3:PutObject', ...target });
  }
  if (method === 'POST' && (query.has('uploads') || query.has('uploadId'))) {
    return checks({ action: 's3:PutObject', ...target });
  }
  if (method === 'DELETE') {
    if (query.has('uploadId')) return checks({ action: 's3:AbortMultipartUpload', ...target });
    return checks({ action: versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject', ...target });
  }
  return { kind: 'unsupported', what: `${method} on an object` };
}

/** The keys a DeleteObjects body asks to delete. */
export function keysToDelete(xml: string): string[] {
  return [...xml.matchAll(/<Object>\s*<Key>([\s\S]*?)<\/Key>/g)].map(([, key = '']) => unescapeXml(key));
}

/** `/bucket/key?versionId=v` (the copy source header, percent-encoded) → its parts. */
function copySource(header: string): { bucket: string; key: string; version?: string } | undefined {
  const [raw = '', query = ''] = header.replace(/^\//, '').split('?');
  const [bucket, ...rest] = decodeKey(raw).split('/');
  if (!bucket || rest.length === 0) return undefined;
  const version = new URLSearchParams(query).get('versionId') ?? undefined;
  return { bucket, key: rest.join('/'), ...(version ? { version } : {}) };
}
