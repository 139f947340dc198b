// The activity reporter, run by bash with stubs for nvidia-smi, who, pgrep and aws: the readings it
// keeps and the hour objects it writes are what the idle monitor reads (contracts/activity-hour.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ActivityPoint, activityHourSchema, activityPointSchema } from '../../contracts/activity-hour';
import {
  activityOf,
  type IdleThresholds,
  isActive,
  type SignalReading,
} from '../../services/shared/activity';
import { makeSandbox, runScript, type Sandbox } from './support/sandbox';

const REPORTER = readFileSync(
  path.resolve(import.meta.dirname, '../../userdata/activity-reporter.sh'),
  'utf8',
);

const INSTANCE = 'i-0123456789abcdef0';
/** 2026-12-07T09:55:00Z and the next readings, as the reporter's clock (KISMO_NOW, epoch seconds). */
const AT_0955 = Date.parse('2026-12-07T09:55:00Z') / 1000;
const AT_1000 = AT_0955 + 300;
const AT_1005 = AT_0955 + 600;
const HOUR_KEY = `kismo/activity/ada/${INSTANCE}/2026-12-07T09.json`;

let sandbox: Sandbox;

/** The readings waiting on the instance's disk for one hour, oldest first. */
function pending(hour: string): ActivityPoint[] {
  const file = path.join(sandbox.root, 'var', 'lib', 'kismo', 'activity', `${hour}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => activityPointSchema.parse(JSON.parse(line)));
}

/** The one reading of the 09:55 run. */
function lastReading(): ActivityPoint {
  const points = pending('2026-12-07T09');
  expect(points).toHaveLength(1);
  return points[0] as ActivityPoint;
}

/** A /proc with 75 % of memory in use and a CPU that did nothing between the two readings. */
function fakeProc(): string {
  const proc = path.join(sandbox.dir, 'proc');
  mkdirSync(proc, { recursive: true });
  writeFileSync(path.join(proc, 'meminfo'), 'MemTotal:  1000 kB\nMemFree:  100 kB\nMemAvailable:  250 kB\n');
  writeFileSync(
    path.join(proc, 'stat'),
    'cpu  100 0 50 1000 10 0 0 0 0 0\ncpu0 100 0 50 1000 10 0 0 0 0 0\n',
  );
  return proc;
}

/** What the systemd unit sets, and the clock. */
const unitEnv = (now: number): Record<string, string> => ({
  KISMO_ACTIVITY_BUCKET: 'kismo-data',
  KISMO_ACTIVITY_PREFIX: 'kismo/activity/ada',
  KISMO_NOW: String(now),
});

/** The reporter, once at `now`, on {@link fakeProc} and without the CPU sampling pause. */
function runReporter(now = AT_0955, env: Record<string, string> = {}) {
  return runScript(
    sandbox,
    REPORTER,
    { KISMO_PROC: fakeProc(), KISMO_CPU_SAMPLE_SECONDS: '0', ...unitEnv(now), ...env },
    'r.sh',
  );
}

/**
 * A /proc where memory reads `memory` % and the CPU `cpu` % busy: the stub `sleep` between the two
 * readings of /proc/stat swaps in the second one, 1000 ticks later.
 */
function procReading(memory: number, cpu: number): string {
  const proc = path.join(sandbox.dir, 'proc');
  mkdirSync(proc);
  const total = 1_000_000;
  writeFileSync(
    path.join(proc, 'meminfo'),
    `MemTotal:  ${total} kB\nMemAvailable:  ${Math.round(total * (1 - memory / 100))} kB\n`,
  );
  const busy = Math.round(cpu * 10);
  writeFileSync(path.join(proc, 'stat'), 'cpu  100 0 50 1000 10 0 0 0 0 0\n');
  writeFileSync(
    path.join(proc, 'stat.after'),
    `cpu  ${100 + busy} 0 50 ${1000 + 1000 - busy} 10 0 0 0 0 0\n`,
  );
  return proc;
}

/** The thresholds the bootstrap writes at launch, where the reporter reads them. */
function writeThresholds(lines: string): void {
  const etc = path.join(sandbox.root, 'etc', 'kismo');
  mkdirSync(etc, { recursive: true });
  writeFileSync(path.join(etc, 'idle-thresholds'), lines);
}

const thresholdLines = (t: IdleThresholds): string =>
  `gpu ${t.gpu}\nmemory ${t.memory}\ncpu ${t.cpu}\nsessions ${t.sessions}\n`;

const DEFAULTS: IdleThresholds = { gpu: 5, memory: 10, cpu: 5, sessions: 1 };

afterEach(() => sandbox.remove());

describe('activity-reporter.sh', () => {
  it('keeps the busiest GPU, memory, CPU, sessions and Activity as the hour’s reading, and writes nothing mid-hour', async () => {
    // Prepare
    sandbox = makeSandbox({
      stubs: { who: 'printf "ada pts/0\\nbob pts/1\\n"', pgrep: 'echo 1' },
    });
    writeThresholds(thresholdLines(DEFAULTS));

    // Act
    const result = await runReporter(AT_0955, { NVIDIA_SMI_OUTPUT: '12\n87\n3' });

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(lastReading()).toEqual({
      at: '2026-12-07T09:55:00Z',
      gpu: 87,
      memory: 75,
      cpu: 0,
      sessions: 3,
      activity: 17.4,
    });
    expect(sandbox.calls('aws'), 'the hour is not over').toEqual([]);
    expect(sandbox.calls('nvidia-smi')).toEqual([
      '--query-gpu=utilization.gpu --format=csv,noheader,nounits',
    ]);
  });

  it('writes the hour that ended as one object under its owner and instance, and keeps the new hour', async () => {
    // Prepare
    sandbox = makeSandbox({ stubs: { who: '', pgrep: 'echo 0; exit 1' } });
    writeThresholds(thresholdLines(DEFAULTS));
    await runReporter(AT_0955 - 300);
    await runReporter(AT_0955);

    // Act
    const result = await runReporter(AT_1000);

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(sandbox.calls('aws')).toHaveLength(1);
    expect(sandbox.calls('aws')[0]).toMatch(
      new RegExp(`^s3api put-object --bucket kismo-data --key ${HOUR_KEY} --body \\S+$`),
    );
    const hour = activityHourSchema.parse(JSON.parse(sandbox.s3Object(HOUR_KEY) ?? 'null'));
    expect(hour.instanceId).toBe(INSTANCE);
    expect(hour.hour).toBe('2026-12-07T09:00:00Z');
    expect(hour.points.map((p) => [p.at, p.activity])).toEqual([
      ['2026-12-07T09:50:00Z', 7.5],
      ['2026-12-07T09:55:00Z', 7.5],
    ]);
    expect(pending('2026-12-07T09'), 'written, so no longer kept').toEqual([]);
    expect(pending('2026-12-07T10').map((p) => p.at)).toEqual(['2026-12-07T10:00:00Z']);
  });

  it('keeps an hour it could not write and writes it at the next reading', async () => {
    // Prepare
    sandbox = makeSandbox({ stubs: { who: '', pgrep: 'echo 0; exit 1' } });
    writeThresholds(thresholdLines(DEFAULTS));
    await runReporter(AT_0955);

    // Act
    const refused = await runReporter(AT_1000, { AWS_STUB_FAIL_PUT: '1' });
    const kept = pending('2026-12-07T09');
    const retried = await runReporter(AT_1005);

    // Assess
    expect(refused.code, refused.output).toBe(0);
    expect(refused.output).toContain('hour 2026-12-07T09 not written; the next reading retries');
    expect(kept).toHaveLength(1);
    expect(retried.code, retried.output).toBe(0);
    expect(activityHourSchema.parse(JSON.parse(sandbox.s3Object(HOUR_KEY) ?? 'null')).points).toHaveLength(1);
    expect(pending('2026-12-07T10')).toHaveLength(2);
  });

  it('leaves out a line cut short by a crash, and at most 60 readings make an hour', async () => {
    // Prepare
    sandbox = makeSandbox({ stubs: { who: '', pgrep: 'echo 0; exit 1' } });
    writeThresholds(thresholdLines(DEFAULTS));
    const dir = path.join(sandbox.root, 'var', 'lib', 'kismo', 'activity');
    mkdirSync(dir, { recursive: true });
    const line = (m: number) =>
      JSON.stringify({ at: `2026-12-07T09:${String(m % 60).padStart(2, '0')}:00Z`, activity: 0.1 });
    const lines = Array.from({ length: 70 }, (_, i) => line(i));
    writeFileSync(
      path.join(dir, '2026-12-07T09.jsonl'),
      `${lines.join('\n')}\n{"at":"2026-12-07T09:59:00Z","act`,
    );

    // Act
    const result = await runReporter(AT_1000);

    // Assess
    expect(result.code, result.output).toBe(0);
    const hour = activityHourSchema.parse(JSON.parse(sandbox.s3Object(HOUR_KEY) ?? 'null'));
    expect(hour.points).toHaveLength(60);
    expect(hour.points.at(-1)?.at).toBe('2026-12-07T09:09:00Z');
  });

  it('leaves the GPU and Activity out when nvidia-smi fails, so a broken driver never reads as idle', async () => {
    // Prepare
    sandbox = makeSandbox({ stubs: { 'nvidia-smi': 'exit 9', who: '', pgrep: 'echo 0; exit 1' } });
    writeThresholds(thresholdLines(DEFAULTS));

    // Act
    const result = await runReporter();

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(lastReading()).toEqual({ at: '2026-12-07T09:55:00Z', memory: 75, cpu: 0, sessions: 0 });
    expect(result.output).toContain('not every signal measured, so no Activity');
  });

  it.each([
    ['no thresholds file', undefined],
    ['a threshold of 0', 'gpu 5\nmemory 10\ncpu 0\nsessions 1\n'],
    ['a threshold that is not a number', 'gpu 5\nmemory ten\ncpu 5\nsessions 1\n'],
    ['a signal without a threshold', 'gpu 5\nmemory 10\ncpu 5\n'],
  ])('keeps the signals but no Activity with %s', async (_, lines) => {
    // Prepare
    sandbox = makeSandbox({ stubs: { who: '', pgrep: 'echo 0' } });
    if (lines !== undefined) writeThresholds(lines);

    // Act
    const result = await runReporter();

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(Object.keys(lastReading())).toEqual(['at', 'gpu', 'memory', 'cpu', 'sessions']);
    expect(result.output).toContain('no positive idle threshold for every signal');
  });

  it('refuses to run without the bucket the unit names', async () => {
    // Prepare
    sandbox = makeSandbox({ stubs: { who: '' } });

    // Act
    const result = await runScript(sandbox, REPORTER, { KISMO_CPU_SAMPLE_SECONDS: '0' }, 'r.sh');

    // Assess
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('the unit sets KISMO_ACTIVITY_BUCKET');
  });

  it('measures the real memory and CPU of this machine as percentages', async () => {
    // Prepare
    sandbox = makeSandbox({ stubs: { who: '' } });

    // Act
    const result = await runScript(
      sandbox,
      REPORTER,
      { KISMO_CPU_SAMPLE_SECONDS: '0.2', ...unitEnv(AT_0955) },
      'r.sh',
    );

    // Assess
    expect(result.code, result.output).toBe(0);
    const reading = lastReading();
    for (const value of [reading.memory, reading.cpu]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(100);
    }
  });
});

const FRACTIONAL: IdleThresholds = { gpu: 0.3, memory: 33.3, cpu: 0.7, sessions: 2 };
const CUSTOM: IdleThresholds = { gpu: 2.5, memory: 50, cpu: 20, sessions: 3 };

describe('Activity from activity-reporter.sh and from activityOf (the local cloud’s reporter)', () => {
  it.each<[string, SignalReading, IdleThresholds, boolean]>([
    ['nothing in use', { gpu: 0, memory: 3, cpu: 1.5, sessions: 0 }, DEFAULTS, false],
    ['memory exactly at its threshold', { gpu: 0, memory: 10, cpu: 1, sessions: 0 }, DEFAULTS, true],
    ['memory at 99 % of its threshold', { gpu: 0, memory: 9.9, cpu: 1, sessions: 0 }, DEFAULTS, false],
    ['CPU just over its threshold', { gpu: 0, memory: 2, cpu: 5.1, sessions: 0 }, DEFAULTS, true],
    ['training', { gpu: 87, memory: 40, cpu: 35.5, sessions: 0 }, DEFAULTS, true],
    ['one person logged in', { gpu: 0, memory: 2, cpu: 0.5, sessions: 1 }, DEFAULTS, true],
    ['memory over a raised threshold', { gpu: 1, memory: 75, cpu: 3, sessions: 2 }, CUSTOM, true],
    ['under raised thresholds', { gpu: 2.4, memory: 45, cpu: 19.9, sessions: 2 }, CUSTOM, false],
    [
      'a GPU at three times a fractional threshold',
      { gpu: 0.9, memory: 1, cpu: 0.7, sessions: 0 },
      FRACTIONAL,
      true,
    ],
    ['under fractional thresholds', { gpu: 0.2, memory: 33.2, cpu: 0.6, sessions: 1 }, FRACTIONAL, false],
  ])('agree on %s', async (_, reading, thresholds, active) => {
    // Prepare
    sandbox = makeSandbox({
      stubs: {
        who: 'printf "%s" "$WHO_OUTPUT"',
        pgrep: 'echo 0; exit 1',
        sleep: 'cp "$KISMO_PROC/stat.after" "$KISMO_PROC/stat"',
      },
    });
    writeThresholds(thresholdLines(thresholds));
    const env = {
      KISMO_PROC: procReading(reading.memory, reading.cpu),
      NVIDIA_SMI_OUTPUT: `${reading.gpu}\n0`,
      WHO_OUTPUT: 'someone pts/0\n'.repeat(reading.sessions),
    };

    // Act
    const result = await runScript(sandbox, REPORTER, { ...env, ...unitEnv(AT_0955) }, 'r.sh');

    // Assess
    expect(result.code, result.output).toBe(0);
    const { activity, ...measured } = lastReading();
    expect(measured, 'the fake instance reads as the row says').toEqual({
      at: '2026-12-07T09:55:00Z',
      ...reading,
    });
    const fromBash = activity ?? Number.NaN;
    const fromTypeScript = activityOf(reading, thresholds);
    expect(Math.abs(fromBash - fromTypeScript)).toBeLessThanOrEqual(5e-7);
    expect(isActive(fromBash)).toBe(active);
    expect(isActive(fromTypeScript)).toBe(active);
  });
});
