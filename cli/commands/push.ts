import path from 'node:path';
import {
  datasetNameSchema,
  datasetPrefix,
  sessionManifestSchema,
  type thenActions,
} from '../../contracts/manifest';
import { formatHourly, hourlyPrice } from '../../contracts/prices';
import { commandContext, reaching } from '../context';
import { CliError } from '../errors';
import type { GlobalOptions } from '../program';
import { resolveInstanceType } from '../push/instance-type';
import { interruptible } from '../push/interrupt';
import { type PushIo, processIo } from '../push/io';
import { type PushResult, printResult } from '../push/result';
import { newSessionId } from '../session/session-id';
import { writeManifest, writePins } from '../session/write-manifest';
import { stopwatch } from '../stopwatch';
import { indexPath } from '../sync/index-location';
import { LocalIndex } from '../sync/local-index';
import { createProgress } from '../sync/progress';
import { scanFolder } from '../sync/scan';
import { deletionsOf, syncFolder } from '../sync/sync';
import { readSyncRecord, sameSource, sourceOf } from '../sync/sync-record';
import { formatBytes } from '../sync/units';
import { confirm } from '../terminal/prompt';

export interface PushOptions {
  readonly type?: string;
  readonly name?: string;
  readonly run?: string;
  readonly outputs?: string;
  readonly then?: (typeof thenActions)[number];
  readonly concurrency: number;
  /** `true`: until ready (or the run's end with `run`); `false`: not at all; `undefined`: until ready on a terminal, until the launch is decided off one. */
  readonly wait?: boolean;
  readonly yes: boolean;
  /** List the bucket even when the dataset's sync record matches the index. */
  readonly verify?: boolean;
  /** Push over a dataset of the same name last pushed from another folder or machine. */
  readonly replace?: boolean;
}

/**
 * `kismo push DIR -t TYPE`: syncs the folder to `users/<owner>/datasets/<name>/`, then writes the
 * session manifest — last, and only once every file is confirmed in the bucket.
 */
export async function push(
  folder: string,
  options: PushOptions,
  globals: GlobalOptions,
  io: PushIo = processIo(),
): Promise<PushResult> {
  const elapsed = stopwatch();
  const name = datasetName(folder, options.name);
  const sessionOptions = parseSessionOptions(options);
  const context = commandContext(globals, io.env);
  // Who the user is, and what the bucket last recorded of this dataset, are asked at once: they
  // answer while the folder is scanned. The record's read is also the check that kismo answers.
  const bucketSide = context.owner().then(async (owner) => {
    const prefix = datasetPrefix(owner, name);
    return { owner, prefix, record: await readSyncRecord(context.objects, prefix) };
  });
  // Awaited below, once the folder's own errors, which come first, are out of the way.
  bucketSide.catch(() => {});
  try {
    const scan = await scanFolder(folder, io.scan);
    // Questions go to stderr, so even `--json` on a terminal asks before it spends money.
    const interactive = Boolean(io.stdin.isTTY) && !options.yes;
    const instanceType = await resolveInstanceType(options.type, context.profile, interactive, io);
    const { owner, prefix, record } = await reaching(context, bucketSide);
    const here = sourceOf(scan.root);
    // Two folders that share a name are two datasets: replacing one with the other deletes files.
    if (record.source && !sameSource(record.source, here) && !options.replace) {
      const where = record.source.host === here.host ? '' : ` on ${record.source.host}`;
      throw new CliError(
        'DATASET_FROM_ANOTHER_FOLDER',
        `dataset "${name}" was last pushed from ${record.source.folder}${where}, not ${here.folder}: push under another name with --name NAME, or pass --replace to make this folder the dataset (files not in it are deleted from the dataset)`,
      );
    }
    const region = context.profile.region;
    const price = hourlyPrice(instanceType, region);
    io.stderr.write(
      price === undefined
        ? `kismo push: the price of ${instanceType} is unknown: ${formatHourly(instanceType, region)}\n`
        : `kismo push: ${instanceType} costs ${formatHourly(instanceType, region)} on demand (${region})\n`,
    );
    const identity = {
      root: scan.root,
      endpoint: context.profile.endpoint ?? 'aws',
      bucket: context.profile.bucket,
      prefix,
    };
    // One index for the question and the sync: read once, closed by the sync (or here, if none).
    const index = LocalIndex.open(indexPath(identity, io.env), identity);
    if (interactive) {
      try {
        // Counted as the sync will count them, so the answer is given knowing what goes.
        const gone = record.state
          ? await deletionsOf({
              objects: context.objects,
              prefix,
              record,
              scan,
              verify: options.verify,
              index,
            })
          : [];
        const deleting =
          gone.length > 0
            ? `, deleting ${plural(gone.length, 'file')} there that this folder does not have (${preview(gone)}),`
            : '';
        const question = `Push ${plural(scan.files.length, 'file')} (${formatBytes(scan.bytes)}) to ${prefix}${deleting} and launch ${instanceType}?`;
        if (!(await confirm({ input: io.stdin, output: io.stderr }, question))) {
          throw new CliError(
            'NOT_CONFIRMED',
            'nothing was sent or launched: run the push again and answer y',
          );
        }
      } catch (error) {
        index.close();
        throw error;
      }
    }

    const mode = globals.json ? 'json' : io.stderr.isTTY && !io.env.CI ? 'bar' : 'lines';
    const { synced, key, sessionId } = await interruptible(io, async (signal) => {
      const synced = await syncFolder({
        objects: context.objects,
        prefix,
        record,
        scan,
        index,
        concurrency: options.concurrency,
        verify: options.verify,
        signal,
        progress: await createProgress(mode, io),
      });
      signal.throwIfAborted();
      const sessionId = newSessionId();
      await writePins(context.objects, { owner, sessionId }, synced.pins, signal);
      const key = await writeManifest(context.objects, {
        schemaVersion: 1,
        owner,
        sessionId,
        createdAt: new Date().toISOString(),
        instanceType,
        dataset: {
          name,
          prefix,
          files: synced.files,
          bytes: synced.bytes,
          digest: synced.digest,
          pinned: true,
        },
        options: sessionOptions,
      });
      return { synced, key, sessionId };
    });

    const result: PushResult = {
      sessionId,
      owner,
      instanceType,
      hourlyPrice: price ?? null,
      manifest: key,
      dataset: { name, prefix, files: synced.files, bytes: synced.bytes },
      uploaded: synced.uploaded,
      skipped: synced.skipped,
      deleted: synced.deleted,
      seconds: Number(elapsed().toFixed(2)),
    };
    // People see that the push is done at once; scripts get the result as the last line, after the wait.
    if (!globals.json) printResult(result, false, io);
    // --no-wait: done now. --wait: until ready, or the run's end. Otherwise on a terminal until
    // ready, and off one (a script) until the launch is accepted or refused, so its exit code says.
    const until =
      options.wait === false
        ? undefined
        : options.wait === true
          ? options.run
            ? 'run-end'
            : 'ready'
          : io.stdout.isTTY
            ? 'ready'
            : 'launch';
    // Following a session (its status schemas, the polling) loads only when asked for.
    const session = until
      ? await (await import('../push/wait')).waitForSession(context, result, globals.json, io, until)
      : undefined;
    if (globals.json) printResult(session ? { ...result, session } : result, true, io);
    else if (session?.connect) io.stdout.write(`connect: ${session.connect}\n`);
    return session ? { ...result, session } : result;
  } finally {
    context.close();
  }
}

function datasetName(folder: string, requested: string | undefined): string {
  const name = requested ?? path.basename(path.resolve(folder));
  const parsed = datasetNameSchema.safeParse(name);
  if (!parsed.success) {
    throw new CliError(
      'BAD_DATASET_NAME',
      `"${name}" cannot name a dataset (${parsed.error.issues[0]?.message}): pass --name NAME`,
    );
  }
  return parsed.data;
}

function parseSessionOptions(options: PushOptions) {
  const parsed = sessionManifestSchema.shape.options.safeParse({
    run: options.run,
    outputs: options.outputs,
    afterRun: options.then,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError('BAD_OPTION', `--${String(issue?.path[0] ?? 'option')}: ${issue?.message}`);
  }
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** The first few paths of a list, and how many more: enough to recognise what goes. */
function preview(paths: readonly string[], shown = 3): string {
  const head = paths.slice(0, shown).join(', ');
  return paths.length > shown ? `${head} and ${paths.length - shown} more` : head;
}
