// The `aws s3 sync` of the simulated bootstrap, with the local cloud's own S3 client: objects of a
// prefix into a folder, and a folder's files up under a prefix.
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { PinnedFile } from '../../../contracts/dataset-pins';
import { bareEtag } from '../../../services/kit/ports/objects';

/** What a download brought: the files written, and the keys refused because they would land outside the folder. */
export interface DownloadResult {
  readonly files: number;
  readonly bytes: number;
  readonly skipped: readonly string[];
}

/** Where a key lands in `dir`, or `undefined` when it would climb out of it (`../` in a key), as the AWS CLI refuses too. */
export function localPathOf(dir: string, prefix: string, key: string): string | undefined {
  const relative = key.slice(prefix.length);
  const target = path.resolve(dir, relative);
  return target.startsWith(`${path.resolve(dir)}${path.sep}`) ? target : undefined;
}

/** Downloads every object under `prefix` into `dir`, byte for byte, streaming. */
export async function downloadPrefix(
  s3: S3Client,
  bucket: string,
  prefix: string,
  dir: string,
): Promise<DownloadResult> {
  await mkdir(dir, { recursive: true });
  let files = 0;
  let bytes = 0;
  const skipped: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const { Key: key } of page.Contents ?? []) {
      if (!key || key.endsWith('/')) continue;
      const target = localPathOf(dir, prefix, key);
      if (!target) {
        skipped.push(key);
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!object.Body) throw new Error(`s3://${bucket}/${key} has no body`);
      await pipeline(object.Body as Readable, createWriteStream(target));
      files += 1;
      bytes += (await stat(target)).size;
    }
  }
  return { files, bytes, skipped };
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** The number and total size of the files under `dir`: what bootstrap.sh counts with `find`. */
export async function measure(dir: string): Promise<{ files: number; bytes: number }> {
  const files = await listFiles(dir);
  let bytes = 0;
  for (const file of files) bytes += (await stat(path.join(dir, file))).size;
  return { files: files.length, bytes };
}

/** Uploads every file under `dir` to `prefix`; returns how many. */
export async function uploadFolder(
  s3: S3Client,
  bucket: string,
  dir: string,
  prefix: string,
): Promise<number> {
  const files = await listFiles(dir);
  for (const file of files) {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${prefix}${file}`,
        Body: await readFile(path.join(dir, file)),
      }),
    );
  }
  return files.length;
}

/**
 * What bootstrap.sh's `restore_pinned` does after the sync: files whose object changed since the
 * session's push come from the version holding the pinned ETag, files added since go. Returns how
 * many files came from versions; throws when a pinned version is gone.
 */
export async function restorePinned(
  s3: S3Client,
  bucket: string,
  prefix: string,
  dir: string,
  pins: readonly PinnedFile[],
): Promise<number> {
  const now = new Map<string, string>();
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const { Key: key, ETag: etag } of page.Contents ?? [])
      if (key) now.set(key.slice(prefix.length), bareEtag(etag));
  }
  const pinned = new Set(pins.map((p) => p.path));
  for (const extra of [...now.keys()].filter((p) => !pinned.has(p))) {
    const target = localPathOf(dir, prefix, prefix + extra);
    if (target) await rm(target, { force: true });
  }
  const wanted = pins.filter((p) => now.get(p.path) !== p.etag);
  if (wanted.length === 0) return 0;
  const versions: { key: string; versionId: string; etag: string }[] = [];
  let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, ...markers }));
    for (const v of page.Versions ?? []) {
      if (v.Key && v.VersionId) versions.push({ key: v.Key, versionId: v.VersionId, etag: bareEtag(v.ETag) });
    }
    if (!page.IsTruncated) break;
    markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
  }
  for (const pin of wanted) {
    const key = prefix + pin.path;
    const version = versions.find((v) => v.key === key && v.etag === pin.etag);
    if (!version) {
      throw new Error(
        `dataset check: ${pin.path} as pushed for this session is no longer in the bucket (its old version expired): push again`,
      );
    }
    const target = localPathOf(dir, prefix, key);
    if (!target) throw new Error(`dataset.tsv names ${pin.path}, which would land outside ${dir}`);
    await mkdir(path.dirname(target), { recursive: true });
    const object = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: version.versionId }),
    );
    if (!object.Body) throw new Error(`s3://${bucket}/${key}?versionId=${version.versionId} has no body`);
    await pipeline(object.Body as Readable, createWriteStream(target));
  }
  return wanted.length;
}
