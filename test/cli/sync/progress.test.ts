import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../cli/sync/progress';
import { recordingStreams } from '../../support/recording-io';

/** A push of 1,000 files of 1 KiB, reported file by file. */
async function drive(
  mode: 'lines' | 'json',
  io: Pick<ReturnType<typeof recordingStreams>, 'stdout' | 'stderr'>,
) {
  const progress = await createProgress(mode, io);
  progress.planned({ files: 1000, bytes: 1000 * 1024, skipped: 5, deletions: 2 });
  for (let i = 0; i < 1000; i++) {
    progress.bytesDone(1024);
    progress.fileDone();
  }
  progress.finished();
}

describe('push progress off a terminal', () => {
  it('prints the plan, then a few throttled lines with files, bytes and rate, not one per file', async () => {
    // Prepare
    const { stdout, stderr, printed } = recordingStreams();
    const io = { stdout, stderr };

    // Act
    await drive('lines', io);

    // Assess
    const lines = printed.stderr.trim().split('\n');
    expect(lines[0]).toBe('kismo push: 1000 files to check or send (1000.0 KiB), 5 unchanged, 2 to delete');
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(lines.at(-1)).toMatch(
      /^kismo push: 1000\/1000 files · 1000\.0 KiB\/1000\.0 KiB · [\d.]+ (B|KiB|MiB|GiB)\/s/,
    );
    expect(printed.stdout).toBe('');
  });

  it('with --json, writes JSON lines on stdout: the plan, then progress ending at the totals', async () => {
    // Prepare
    const { stdout, stderr, printed } = recordingStreams();
    const io = { stdout, stderr };

    // Act
    await drive('json', io);

    // Assess
    const lines = printed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ event: 'plan', files: 1000, bytes: 1024000, skipped: 5, deletions: 2 });
    expect(lines.at(-1)).toMatchObject({ event: 'progress', files: 1000, totalFiles: 1000, bytes: 1024000 });
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(printed.stderr).toBe('');
  });
});
