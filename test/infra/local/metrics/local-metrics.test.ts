import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedEc2 } from '../../../../infra/local/ec2/simulated-ec2';
import { readActivityFile, reportActivity } from '../../../../infra/local/metrics/activity-reporter';
import { LocalMetrics } from '../../../../infra/local/metrics/local-metrics';
import { parseConfig } from '../../../../services/kit/config';
import type { LaunchSpec, MetricDatum } from '../../../../services/kit/ports';

const t0 = new Date('2024-04-01T10:00:00.000Z');
const minutes = (n: number): Date => new Date(t0.getTime() + n * 60_000);
const datum =
  (metric: MetricDatum['metric']) =>
  (value: number, at: Date, instanceId = 'i-0aaaaaaaaaaaaaaaa'): MetricDatum => ({
    instanceId,
    metric,
    value,
    timestamp: at,
  });
const activity = datum('activity');
const gpu = datum('gpu');
const hour = { start: t0, end: minutes(60), periodSeconds: 900 };
const THRESHOLDS = parseConfig({ bucket: 'kismo-test' }).idle.thresholds;

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kismo-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('LocalMetrics', () => {
  it('returns the maximum Activity per period, stamped with the period start, oldest first', async () => {
    // Prepare
    const metrics = new LocalMetrics();
    await metrics.put([
      activity(0.4, minutes(35)),
      activity(0.1, minutes(5)),
      activity(0.7, minutes(14)),
      activity(0.2, minutes(31)),
    ]);

    // Act
    const series = await metrics.activity(['i-0aaaaaaaaaaaaaaaa'], hour);

    // Assess
    expect(series).toEqual([
      { instanceId: 'i-0aaaaaaaaaaaaaaaa', timestamps: [t0, minutes(30)], values: [0.7, 0.4] },
    ]);
  });

  it('counts a datapoint at the start of the window and none at its end', async () => {
    // Prepare
    const metrics = new LocalMetrics();
    await metrics.put([activity(1, new Date(t0.getTime() - 1)), activity(2, t0), activity(3, minutes(60))]);

    // Act
    const [series] = await metrics.activity(['i-0aaaaaaaaaaaaaaaa'], hour);

    // Assess
    expect(series?.values).toEqual([2]);
  });

  it('answers the Activity of every instance asked for, empty where none was sent', async () => {
    // Prepare: a has only a GPU reading, which is not Activity
    const metrics = new LocalMetrics();
    await metrics.put([gpu(90, minutes(1)), activity(0.5, minutes(1), 'i-0bbbbbbbbbbbbbbbb')]);

    // Act
    const series = await metrics.activity(['i-0aaaaaaaaaaaaaaaa', 'i-0bbbbbbbbbbbbbbbb'], hour);

    // Assess
    expect(series.map((s) => [s.instanceId, s.values])).toEqual([
      ['i-0aaaaaaaaaaaaaaaa', []],
      ['i-0bbbbbbbbbbbbbbbb', [0.5]],
    ]);
  });

  it('reads its datapoints back after a restart, skipping lines that are not datapoints', async () => {
    // Prepare
    const stateFile = path.join(dir, 'metrics', 'activity.jsonl');
    await new LocalMetrics({ stateFile }).put([activity(0.3, minutes(2))]);
    fs.appendFileSync(
      stateFile,
      'not json\n{"instanceId":"i-0aaaaaaaaaaaaaaaa","metric":"activity","value":"high"}\n{"inst',
    );

    // Act
    const restarted = new LocalMetrics({ stateFile });
    await restarted.put([activity(0.5, minutes(20))]);
    const [series] = await new LocalMetrics({ stateFile }).activity(['i-0aaaaaaaaaaaaaaaa'], hour);

    // Assess
    expect(series?.values).toEqual([0.3, 0.5]);
  });
});

describe('activity reporter', () => {
  const spec = (clientToken: string): LaunchSpec => ({
    clientToken,
    instanceType: 'g5.xlarge',
    userData: '',
    tags: {},
  });

  it('reads absent files and fields as idle, and a malformed file as no reading', async () => {
    // Prepare
    const busy = path.join(dir, 'busy');
    const broken = path.join(dir, 'broken');
    fs.mkdirSync(busy);
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(busy, 'activity.json'), '{"gpu": 85, "sessions": 2}');
    fs.writeFileSync(path.join(broken, 'activity.json'), '{"gpu": "lots"}');

    // Act
    const readings = await Promise.all([dir, busy, broken].map(readActivityFile));

    // Assess
    expect(readings).toEqual([
      { gpu: 0, memory: 0, cpu: 0, sessions: 0 },
      { gpu: 85, memory: 0, cpu: 0, sessions: 2 },
      undefined,
    ]);
  });

  it('puts one datum per signal for each running instance, from its sandbox', async () => {
    // Prepare
    const clock = { now: () => minutes(10) };
    const ec2 = new SimulatedEc2({ clock, sandboxRoot: dir });
    const busy = await ec2.launch(spec('busy'));
    const idle = await ec2.launch(spec('idle'));
    const stopped = await ec2.launch(spec('stopped'));
    await ec2.settled();
    await ec2.stop([stopped.instanceId]);
    await ec2.settled();
    fs.writeFileSync(path.join(dir, busy.instanceId, 'activity.json'), '{"gpu": 90, "cpu": 35.5}');
    const metrics = new LocalMetrics();

    // Act
    await reportActivity(metrics, ec2, clock, THRESHOLDS);

    // Assess
    const latest = (instanceId: string, metric: MetricDatum['metric']) =>
      metrics.series(instanceId, metric, hour);
    expect(latest(busy.instanceId, 'gpu')).toEqual({ timestamps: [t0], values: [90] });
    expect(latest(busy.instanceId, 'cpu').values).toEqual([35.5]);
    expect(latest(idle.instanceId, 'gpu').values).toEqual([0]);
    expect(latest(idle.instanceId, 'sessions').values).toEqual([0]);
    expect(latest(stopped.instanceId, 'gpu').values).toEqual([]);
    const read = await metrics.activity([busy.instanceId, idle.instanceId, stopped.instanceId], hour);
    expect(read.map((s) => s.values)).toEqual([[18], [0], []]);
    ec2.close();
  });

  it('puts Activity: the busiest signal over its threshold, as the reporter on an instance does', async () => {
    // Prepare
    const clock = { now: () => minutes(10) };
    const ec2 = new SimulatedEc2({ clock, sandboxRoot: dir });
    const files: Record<string, string | undefined> = {
      idle: undefined,
      notebook: '{"memory": 12, "cpu": 4.95}',
      training: '{"gpu": 90, "memory": 40, "cpu": 35.5, "sessions": 1}',
      broken: '{"gpu": "lots"}',
    };
    const ids: Record<string, string> = {};
    for (const [name, text] of Object.entries(files)) {
      const { instanceId } = await ec2.launch(spec(name));
      ids[name] = instanceId;
      await ec2.settled();
      if (text) fs.writeFileSync(path.join(dir, instanceId, 'activity.json'), text);
    }

    // Act
    const put = await reportActivity(new LocalMetrics(), ec2, clock, THRESHOLDS);

    // Assess
    const activity = Object.fromEntries(
      put.filter((d) => d.metric === 'activity').map((d) => [d.instanceId, d.value]),
    );
    expect(activity).toEqual({
      [ids.idle as string]: 0,
      [ids.notebook as string]: 1.2,
      [ids.training as string]: 18,
    });
    expect(put.filter((d) => d.instanceId === ids.training).map((d) => d.metric)).toEqual([
      'gpu',
      'memory',
      'cpu',
      'sessions',
      'activity',
    ]);
    ec2.close();
  });
});
