// The activity reporter, run by bash with stubs for nvidia-smi, who, pgrep and aws: what it sends
// is what the idle monitor reads (namespace, metric names, the InstanceId dimension, Activity).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE, metricNames } from '../../services/kit/ports/metrics';
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

interface Datum {
  MetricName: string;
  Dimensions: { Name: string; Value: string }[];
  Value: number;
  Unit: string;
}

let sandbox: Sandbox;

/** The one put-metric-data call the stub `aws` saw: its namespace and its data. */
function sent(): { namespace: string; data: Datum[] } {
  const calls = sandbox.calls('aws');
  expect(calls).toHaveLength(1);
  const match = /^cloudwatch put-metric-data --namespace (\S+) --metric-data (.*)$/.exec(calls[0] ?? '');
  expect(match, calls[0]).not.toBeNull();
  return { namespace: match?.[1] ?? '', data: JSON.parse(match?.[2] ?? '[]') as Datum[] };
}

/** A /proc with 75 % of memory in use and a CPU that did nothing between the two readings. */
function fakeProc(): string {
  const proc = path.join(sandbox.dir, 'proc');
  mkdirSync(proc);
  writeFileSync(path.join(proc, 'meminfo'), 'MemTotal:  1000 kB\nMemFree:  100 kB\nMemAvailable:  250 kB\n');
  writeFileSync(
    path.join(proc, 'stat'),
    'cpu  100 0 50 1000 10 0 0 0 0 0\ncpu0 100 0 50 1000 10 0 0 0 0 0\n',
  );
  return proc;
}

/** The reporter, once, on {@link fakeProc} and without the CPU sampling pause. */
function runReporter() {
  return runScript(sandbox, REPORTER, { KISMO_PROC: fakeProc(), KISMO_CPU_SAMPLE_SECONDS: '0' }, 'r.sh');
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

/** The value of one metric in what was sent. */
const metricValue = (data: readonly Datum[], name: string): number | undefined =>
  data.find((d) => d.MetricName === name)?.Value;

afterEach(() => sandbox.remove());

describe('activity-reporter.sh', () => {
  it('sends the busiest GPU, memory, CPU, sessions and Activity with the InstanceId dimension', async () => {
    // Prepare
    sandbox = makeSandbox({
      stubs: { who: 'printf "ada pts/0\\nbob pts/1\\n"', pgrep: 'echo 1' },
    });
    writeThresholds(thresholdLines(DEFAULTS));
    const env = {
      KISMO_PROC: fakeProc(),
      KISMO_CPU_SAMPLE_SECONDS: '0',
      NVIDIA_SMI_OUTPUT: '12\n87\n3',
    };

    // Act
    const result = await runScript(sandbox, REPORTER, env, 'reporter.sh');

    // Assess
    expect(result.code, result.output).toBe(0);
    const { namespace, data } = sent();
    expect(namespace).toBe(METRICS_NAMESPACE);
    const dimensions = [{ Name: 'InstanceId', Value: 'i-0123456789abcdef0' }];
    expect(data).toEqual([
      { MetricName: metricNames.gpu, Dimensions: dimensions, Value: 87, Unit: 'Percent' },
      { MetricName: metricNames.memory, Dimensions: dimensions, Value: 75, Unit: 'Percent' },
      { MetricName: metricNames.cpu, Dimensions: dimensions, Value: 0, Unit: 'Percent' },
      { MetricName: metricNames.sessions, Dimensions: dimensions, Value: 3, Unit: 'Count' },
      { MetricName: metricNames.activity, Dimensions: dimensions, Value: 17.4, Unit: 'None' },
    ]);
    expect(sandbox.calls('nvidia-smi')).toEqual([
      '--query-gpu=utilization.gpu --format=csv,noheader,nounits',
    ]);
  });

  it('leaves the GPU and Activity out when nvidia-smi fails, so a broken driver never reads as idle', async () => {
    // Prepare
    sandbox = makeSandbox({ stubs: { 'nvidia-smi': 'exit 9', who: '', pgrep: 'echo 0; exit 1' } });
    writeThresholds(thresholdLines(DEFAULTS));

    // Act
    const result = await runReporter();

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(sent().data.map((d) => [d.MetricName, d.Value])).toEqual([
      [metricNames.memory, 75],
      [metricNames.cpu, 0],
      [metricNames.sessions, 0],
    ]);
    expect(result.output).toContain('not every signal measured, so no Activity');
  });

  it.each([
    ['no thresholds file', undefined],
    ['a threshold of 0', 'gpu 5\nmemory 10\ncpu 0\nsessions 1\n'],
    ['a threshold that is not a number', 'gpu 5\nmemory ten\ncpu 5\nsessions 1\n'],
    ['a signal without a threshold', 'gpu 5\nmemory 10\ncpu 5\n'],
  ])('sends the signals but no Activity with %s', async (_, lines) => {
    // Prepare
    sandbox = makeSandbox({ stubs: { who: '', pgrep: 'echo 0' } });
    if (lines !== undefined) writeThresholds(lines);

    // Act
    const result = await runReporter();

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(sent().data.map((d) => d.MetricName)).toEqual([
      metricNames.gpu,
      metricNames.memory,
      metricNames.cpu,
      metricNames.sessions,
    ]);
    expect(result.output).toContain('no positive idle threshold for every signal');
  });

  it('measures the real memory and CPU of this machine as percentages', async () => {
    // Prepare
    sandbox = makeSandbox({ stubs: { who: '' } });

    // Act
    const result = await runScript(sandbox, REPORTER, { KISMO_CPU_SAMPLE_SECONDS: '0.2' }, 'r.sh');

    // Assess
    expect(result.code, result.output).toBe(0);
    for (const name of [metricNames.memory, metricNames.cpu]) {
      const value = sent().data.find((d) => d.MetricName === name)?.Value;
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
    const result = await runScript(sandbox, REPORTER, env, 'r.sh');

    // Assess
    expect(result.code, result.output).toBe(0);
    const { data } = sent();
    const measured = {
      gpu: metricValue(data, metricNames.gpu),
      memory: metricValue(data, metricNames.memory),
      cpu: metricValue(data, metricNames.cpu),
      sessions: metricValue(data, metricNames.sessions),
    };
    expect(measured, 'the fake instance reads as the row says').toEqual(reading);
    const fromBash = metricValue(data, metricNames.activity) ?? Number.NaN;
    const fromTypeScript = activityOf(reading, thresholds);
    expect(Math.abs(fromBash - fromTypeScript)).toBeLessThanOrEqual(5e-7);
    expect(isActive(fromBash)).toBe(active);
    expect(isActive(fromTypeScript)).toBe(active);
  });
});
