import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pLimit from 'p-limit';
import * as z from 'zod';
import { type DataBucket, PreconditionFailedError } from '../../services/kit/ports/objects';
import { CliError } from '../errors';
import { replaceFile } from '../replace-file';
import type { SyncProgress } from './progress';
import { listRemote } from './remote-listing';

/** What a pull remembers in the folder it fills, so a second run fetches only what is missing. */
export const PULL_STATE = '.kismo-pull.json';
/** A file being downloaded: renamed to its name once whole. */
const PARTIAL = '.kismo-partial';

const stateSchema = z.object({
  /** The prefix pulled: another session's outputs do not share a state. */
  prefix: z.string(),
  /** Each file fetched whole, by path: the ETag it had. */
  done: z.record(z.string(), z.string()).default({}),
  /** Each file begun: the ETag its partial download is of (resumed only if still the same). */
  partial: z.record(z.string(), z.string()).default({}),
});
type PullState = z.output<typeof stateSchema>;

export interface PullOptions {
  readonly objects: Pick<DataBucket, 'list' | 'download'>;
  /** `users/<owner>/sessions/<id>/outputs/` */
  readonly prefix: string;
  readonly dir: string;
  readonly concurrency: number;
  readonly signal: AbortSignal;
  readonly progress: SyncProgress;
}

export interface PullResult {
  readonly files: number;
  readonly bytes: number;
  readonly fetched: number;
  readonly unchanged: number;
}

/**
 * Downloads every object under `prefix` into `dir`, keeping each path. A file already fetched
 * whole (same ETag, same size) is skipped; one begun and interrupted resumes where it stopped if
 * the object has not changed since (a ranged, `If-Match` GET), else starts over. A file is written
 * beside its name and renamed once whole, so `dir` never holds half a file under a real name.
 * Keys that would land outside `dir` (`..`, an absolute path) are refused: an instance wrote them.
 */
export async function pullFolder(options: PullOptions): Promise<PullResult> {
  const { objects, prefix, dir, signal, progress } = options;
  const remote = await listRemote(objects, prefix, signal);
  if (remote.size === 0) return { files: 0, bytes: 0, fetched: 0, unchanged: 0 };
  const root = path.resolve(dir);
  const targets = [...remote].map(([relative, object]) => ({
    relative,
    ...object,
    file: inside(root, relative),
  }));
  mkdirSync(root, { recursive: true });
  const stateFile = path.join(root, PULL_STATE);
  const state = readState(stateFile, prefix);
  // At most once a second while files come in, and always at the end (done, failed or
  // interrupted): a state written per file would rewrite a growing file thousands of times. What
  // a crash leaves unrecorded is fetched again, never trusted.
  let savedAt = 0;
  const save = (force = false) => {
    if (!force && Date.now() - savedAt < 1000) return;
    savedAt = Date.now();
    replaceFile(stateFile, `${JSON.stringify(state)}\n`);
  };

  const isDone = (t: (typeof targets)[number]) =>
    state.done[t.relative] === t.etag && existsSync(t.file) && statSync(t.file).size === t.size;
  const todo = targets.filter((t) => !isDone(t));
  progress.planned({
    files: todo.length,
    bytes: todo.reduce((sum, t) => sum + t.size, 0),
    skipped: targets.length - todo.length,
    deletions: 0,
  });

  const files = pLimit(options.concurrency);
  try {
    await Promise.all(
      todo.map((target) =>
        files(async () => {
          signal.throwIfAborted();
          mkdirSync(path.dirname(target.file), { recursive: true });
          const partial = `${target.file}${PARTIAL}`;
          const resumable = state.partial[target.relative] === target.etag && existsSync(partial);
          const from = resumable ? statSync(partial).size : 0;
          state.partial[target.relative] = target.etag;
          save();
          if (from > 0) progress.bytesDone(from);
          await fetchInto(objects, prefix + target.relative, partial, from, target.etag, signal, progress);
          renameSync(partial, target.file);
          delete state.partial[target.relative];
          state.done[target.relative] = target.etag;
          save();
          progress.fileDone();
        }),
      ),
    );
  } finally {
    save(true);
  }
  progress.finished();
  return {
    files: targets.length,
    bytes: targets.reduce((sum, t) => sum + t.size, 0),
    fetched: todo.length,
    unchanged: targets.length - todo.length,
  };
}

/** Appends the object's bytes from `from` on; starts over if it changed since the partial began. */
async function fetchInto(
  objects: PullOptions['objects'],
  key: string,
  partial: string,
  from: number,
  etag: string,
  signal: AbortSignal,
  progress: SyncProgress,
): Promise<void> {
  let download: Awaited<ReturnType<PullOptions['objects']['download']>>;
  try {
    download = await objects.download(key, { from, ifMatch: `"${etag}"`, signal });
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    throw new CliError(
      'OUTPUT_CHANGED',
      `${key} changed while it was being pulled (the instance is still writing it?): run the pull again`,
    );
  }
  if (!download) {
    throw new CliError('OUTPUT_GONE', `${key} was deleted while it was being pulled: run the pull again`);
  }
  const counted = async function* (body: AsyncIterable<Uint8Array>) {
    for await (const chunk of body) {
      progress.bytesDone(chunk.byteLength);
      yield chunk;
    }
  };
  await pipeline(counted(download.body), createWriteStream(partial, { flags: from > 0 ? 'a' : 'w' }), {
    signal,
  });
}

/** Where a key's relative path lands under `root`; refused if it would land anywhere else. */
function inside(root: string, relative: string): string {
  const file = path.resolve(root, relative);
  if (relative === '' || relative.endsWith('/') || !file.startsWith(`${root}${path.sep}`)) {
    throw new CliError(
      'UNSAFE_OUTPUT_KEY',
      `the outputs hold "${relative}", which would not land inside ${root}: nothing was pulled; look at it with the AWS console`,
    );
  }
  if (file.endsWith(PARTIAL) || path.basename(file) === PULL_STATE) {
    throw new CliError(
      'UNSAFE_OUTPUT_KEY',
      `the outputs hold "${relative}", a name kismo pull keeps for itself`,
    );
  }
  return file;
}

function readState(file: string, prefix: string): PullState {
  const fresh: PullState = { prefix, done: {}, partial: {} };
  if (!existsSync(file)) return fresh;
  try {
    const state = stateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    if (state.prefix === prefix) return state;
  } catch {
    // A state kismo cannot read is a state it does not have: everything is fetched again.
  }
  rmSync(file, { force: true });
  return fresh;
}
