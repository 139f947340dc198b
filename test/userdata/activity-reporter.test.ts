// The activity reporter, run by bash with stubs for nvidia-smi, who, pgrep and aws: what it sends
// is what the idle monitor reads (namespace, metric names, the InstanceId dimension).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE, metricNames } from '../../services/kit/ports/metrics';
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

afterEach(() => sandbox.remove());

describe('activity-reporter.sh', () => {
  it('sends the busiest GPU, memory, CPU and sessions with the InstanceId dimension', async () => {
    // Prepare
    sandbox = makeSandbox({
      stubs: { who: 'printf "ada pts/0\\nbob pts/1\\n"', pgrep: 'echo 1' },
    });
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
    ]);
    expect(sandbox.calls('nvidia-smi')).toEqual([
      '--query-gpu=utilization.gpu --format=csv,noheader,nounits',
    ]);
  });

  it('leaves the GPU out when nvidia-smi fails, so a broken driver never reads as idle', async () => {
    // Prepare
    sandbox = makeSandbox({ stubs: { 'nvidia-smi': 'exit 9', who: '', pgrep: 'echo 0; exit 1' } });

    // Act
    const result = await runScript(
      sandbox,
      REPORTER,
      { KISMO_PROC: fakeProc(), KISMO_CPU_SAMPLE_SECONDS: '0' },
      'r.sh',
    );

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(sent().data.map((d) => [d.MetricName, d.Value])).toEqual([
      [metricNames.memory, 75],
      [metricNames.cpu, 0],
      [metricNames.sessions, 0],
    ]);
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
