import type { SingleBar } from 'cli-progress';
import { stopwatch } from '../stopwatch';
import { formatBytes, formatSeconds } from './units';

/** What the sync tells whoever watches it. */
export interface SyncProgress {
  /** Once, after the plan: the work ahead (`files`, `bytes`) and what needs nothing. */
  planned(plan: { files: number; bytes: number; skipped: number; deletions: number }): void;
  bytesDone(bytes: number): void;
  fileDone(): void;
  finished(): void;
}

/** `bar` on a terminal, `lines` in logs and CI, `json` for scripts (on stdout, one object a line). */
export type ProgressMode = 'bar' | 'lines' | 'json' | 'silent';

export interface ProgressStreams {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** How a display names its command and its plan. */
export interface ProgressLabels {
  readonly command: string;
  plan(plan: { files: number; bytes: number; skipped: number; deletions: number }): string;
}

export const PUSH_LABELS: ProgressLabels = {
  command: 'kismo push',
  plan: (p) =>
    `${p.files} files to check or send (${formatBytes(p.bytes)}), ${p.skipped} unchanged, ${p.deletions} to delete`,
};

export const PULL_LABELS: ProgressLabels = {
  command: 'kismo pull',
  plan: (p) => `${p.files} files to fetch (${formatBytes(p.bytes)}), ${p.skipped} already here`,
};

/** Counts, rate and ETA, shared by every display. */
class Tally {
  files = 0;
  totalFiles = 0;
  bytes = 0;
  totalBytes = 0;
  readonly seconds: () => number = stopwatch();

  get rate(): number {
    const seconds = this.seconds();
    return seconds > 0 ? this.bytes / seconds : 0;
  }

  get eta(): number | undefined {
    return this.rate > 0 ? Math.max(0, (this.totalBytes - this.bytes) / this.rate) : undefined;
  }

  snapshot() {
    return {
      files: this.files,
      totalFiles: this.totalFiles,
      bytes: this.bytes,
      totalBytes: this.totalBytes,
      bytesPerSecond: Math.round(this.rate),
      etaSeconds: this.eta === undefined ? null : Math.round(this.eta),
    };
  }
}

/**
 * Makes the display for a mode. Lines and JSON are throttled: a 20,000-file push prints a few
 * dozen, not 20,000. The bar's library loads only for the bar.
 */
export async function createProgress(
  mode: ProgressMode,
  streams: ProgressStreams,
  labels: ProgressLabels = PUSH_LABELS,
): Promise<SyncProgress> {
  const bars = mode === 'bar' ? await import('cli-progress') : undefined;
  const tally = new Tally();
  const everySeconds = mode === 'json' ? 1 : 2;
  let last = 0;
  let bar: SingleBar | undefined;
  const payload = () => ({
    filesDone: tally.files,
    filesTotal: tally.totalFiles,
    bytesDone: formatBytes(tally.bytes),
    bytesTotal: formatBytes(tally.totalBytes),
    rate: `${formatBytes(tally.rate)}/s`,
  });
  const report = (force: boolean) => {
    const now = tally.seconds();
    if (!force && now - last < everySeconds) return;
    last = now;
    if (mode === 'json') {
      streams.stdout.write(`${JSON.stringify({ event: 'progress', ...tally.snapshot() })}\n`);
    } else if (mode === 'lines') {
      const eta = tally.eta === undefined ? '' : ` · ETA ${formatSeconds(tally.eta)}`;
      streams.stderr.write(
        `${labels.command}: ${tally.files}/${tally.totalFiles} files · ${formatBytes(tally.bytes)}/${formatBytes(tally.totalBytes)} · ${formatBytes(tally.rate)}/s${eta}\n`,
      );
    }
  };

  return {
    planned(plan) {
      tally.totalFiles = plan.files;
      tally.totalBytes = plan.bytes;
      if (mode === 'json') streams.stdout.write(`${JSON.stringify({ event: 'plan', ...plan })}\n`);
      if (mode === 'lines' || mode === 'bar') {
        streams.stderr.write(`${labels.command}: ${labels.plan(plan)}\n`);
      }
      if (bars && plan.files > 0) {
        bar = new bars.SingleBar(
          {
            stream: streams.stderr,
            format:
              '{bar} {percentage}% | {filesDone}/{filesTotal} files | {bytesDone}/{bytesTotal} | {rate} | ETA {eta_formatted}',
            hideCursor: true,
            clearOnComplete: false,
            etaBuffer: 50,
          },
          bars.Presets.shades_classic,
        );
        bar.start(Math.max(1, plan.bytes), 0, payload());
      }
    },
    bytesDone(bytes) {
      tally.bytes = Math.min(tally.totalBytes, tally.bytes + bytes);
      bar?.update(tally.bytes, payload());
      report(false);
    },
    fileDone() {
      tally.files += 1;
      bar?.update(tally.bytes, payload());
      report(false);
    },
    finished() {
      if (bar) {
        bar.update(tally.bytes, payload());
        bar.stop();
      } else if (tally.totalFiles > 0) {
        report(true);
      }
    },
  };
}
