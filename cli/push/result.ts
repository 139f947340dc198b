import { formatPrice } from '../../contracts/prices';
import { formatBytes } from '../sync/units';
import type { PushIo } from './io';

/** Where a followed session ended up (`--wait`). */
export interface SessionOutcome {
  readonly state: string;
  readonly connect?: string;
  readonly address?: string;
  readonly reason?: string;
  /** With `--run`: the run's exit code, once it ended. */
  readonly exitCode?: number;
}

/** What `kismo push` prints last: with `--json`, this object is the last line. */
export interface PushResult {
  readonly sessionId: string;
  readonly owner: string;
  readonly instanceType: string;
  readonly hourlyPrice: number | null;
  /** The manifest's key. */
  readonly manifest: string;
  readonly dataset: {
    readonly name: string;
    readonly prefix: string;
    readonly files: number;
    readonly bytes: number;
  };
  readonly uploaded: number;
  readonly skipped: number;
  readonly deleted: number;
  readonly seconds: number;
  readonly session?: SessionOutcome;
}

/** The result on stdout: one JSON line, or two lines for people. */
export function printResult(result: PushResult, json: boolean, io: Pick<PushIo, 'stdout'>): void {
  if (json) {
    io.stdout.write(`${JSON.stringify({ event: 'result', ...result })}\n`);
    return;
  }
  const { dataset } = result;
  io.stdout.write(
    `session ${result.sessionId} requested: ${result.instanceType} (${formatPrice(result.hourlyPrice)}) with ${dataset.prefix} (${dataset.files} files, ${formatBytes(dataset.bytes)})\n` +
      `sent ${result.uploaded} · unchanged ${result.skipped} · deleted ${result.deleted} · ${result.seconds}s\n`,
  );
}
