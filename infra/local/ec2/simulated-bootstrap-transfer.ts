// The `aws s3 sync` of the simulated bootstrap, with the local cloud's own S3 client: objects of a
// prefix into a folder, and a folder's files up under a prefix.
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';

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
