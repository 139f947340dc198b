import pLimit from 'p-limit';
import { CliError } from '../errors';
import type { SyncPlan } from './plan';
import type { SyncProgress } from './progress';
import { deleteObjects } from './put-object';
import { type FileOutcome, syncFile } from './sync-file';
import { DEFAULT_PART_SIZE, type Transfer } from './transfer';

export interface SendOptions extends Omit<Transfer, 'requests' | 'partSize'> {
  /** Aborted on the first failure, so the other files stop. */
  readonly stop: AbortController;
  /** Files in flight at once, and S3 requests in flight at once. */
  readonly concurrency: number;
  /** @default 8 MiB */
  readonly partSize?: number;
  readonly progress?: SyncProgress;
}

/**
 * The bucket's side of a sync: sends the plan's new and changed files, then deletes the objects of
 * files gone. Resolves to each file's outcome once all are confirmed; on the first failure it stops
 * the rest, waits for them, and rejects.
 */
export async function sendChanges(plan: SyncPlan, options: SendOptions): Promise<FileOutcome[]> {
  const { progress, stop } = options;
  const transfer: Transfer = {
    ...options,
    // Separate limits for files and requests: a file waiting on its parts must not hold the slots they need.
    requests: pLimit(options.concurrency),
    partSize: options.partSize ?? DEFAULT_PART_SIZE,
  };
  const files = pLimit(options.concurrency);
  const outcomes = await settleAll(
    plan.work.map((action) =>
      files(async () => {
        const outcome = await syncFile(transfer, action);
        progress?.fileDone();
        return outcome;
      }),
    ),
    stop,
  );
  const unstable = plan.work.filter((_, i) => outcomes[i] === 'unstable').map((a) => a.file.path);
  if (unstable.length > 0) {
    throw new CliError(
      'FILES_CHANGED',
      `${unstable.length} files changed while they were pushed (${unstable.slice(0, 10).join(', ')}): run the push again once they are written`,
    );
  }
  await deleteObjects(transfer, plan.deletions);
  return outcomes;
}

/** Like Promise.all, but on the first failure it stops the rest and waits for them before rejecting. */
async function settleAll(
  tasks: readonly Promise<FileOutcome>[],
  stop: AbortController,
): Promise<FileOutcome[]> {
  let first: unknown;
  const guarded = tasks.map((task) =>
    task.catch((error: unknown) => {
      if (first === undefined) {
        first = error;
        stop.abort(error);
      }
      return undefined;
    }),
  );
  const results = await Promise.all(guarded);
  if (first !== undefined) throw first;
  return results as FileOutcome[];
}
