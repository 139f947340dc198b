// The control plane's bill: hand-computed lines on a made-up inventory, the budget on the real
// stack, and docs/deploy.md showing exactly what `npm run cost -- --markdown` prints.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { billOf, DEFAULT_USAGE, NO_INSTANCES, runsPerMonth, type UsageModel } from '../../../infra/cost/bill';
import { type Inventory, inventoryOf } from '../../../infra/cost/inventory';
import { COSTED_REGIONS, controlPlanePrices } from '../../../infra/cost/prices';
import { costDocBlock } from '../../../infra/cost/render';
import { synthesizedTemplate } from '../../../infra/cost/synth';

const prices = controlPlanePrices('us-east-1');
const lineOf = (bill: ReturnType<typeof billOf>, item: string) => {
  const found = bill.lines.find((l) => l.item === item);
  if (!found) throw new Error(`no line ${item}`);
  return found;
};

const EMPTY: Inventory = {
  functions: [],
  polledQueues: 0,
  rules: [],
  schedules: [],
  alarmMetrics: 0,
  alarms: 0,
  dashboards: 0,
  secrets: 0,
  kmsKeys: 0,
  archives: 0,
  functionUrls: [],
  putsCustomMetrics: false,
};
const NOBODY: UsageModel = { ...NO_INSTANCES, users: 0 };

describe('the bill, line by line against hand-computed rows', () => {
  it('charges each polled queue its idle polling: 5 pollers × 3 polls a minute × 43,800 minutes at $0.40 / 1M', () => {
    // Act
    const bill = billOf({ ...EMPTY, polledQueues: 2 }, NOBODY, prices, 'us-east-1');

    // Assess: 2 × 657,000 = 1,314,000 requests
    expect(lineOf(bill, 'SQS requests').usd).toBeCloseTo(0.5256, 6);
    expect(lineOf(bill, 'SQS requests').usdWithFreeTier).toBeCloseTo(0.1256, 6);
  });

  it('charges alarms per metric, dashboards, secrets and keys, less the free tier’s 10 alarm metrics and 3 dashboards', () => {
    // Act
    const bill = billOf(
      { ...EMPTY, alarms: 2, alarmMetrics: 12, dashboards: 4, secrets: 2, kmsKeys: 1 },
      NOBODY,
      prices,
      'us-east-1',
    );

    // Assess
    expect(lineOf(bill, 'CloudWatch alarms')).toMatchObject({
      usd: expect.closeTo(1.2, 9),
      usdWithFreeTier: expect.closeTo(0.2, 9),
    });
    expect(lineOf(bill, 'CloudWatch dashboards')).toMatchObject({ usd: 12, usdWithFreeTier: 3 });
    expect(lineOf(bill, 'Slack credentials').usd).toBeCloseTo(0.8, 9);
    expect(lineOf(bill, 'KMS').usd).toBe(1);
    expect(bill.total).toBe(15.0);
  });

  it('charges five custom metrics per instance pro rata of its hours when a role may put them (the old reporter)', () => {
    // Act: 50 instances, 230 h each of 730
    const usage = { ...DEFAULT_USAGE, hoursPerDay: 230 / 21 };
    const bill = billOf({ ...EMPTY, putsCustomMetrics: true }, usage, prices, 'us-east-1');

    // Assess: 250 × $0.30 × 230 / 730 = $23.63
    expect(lineOf(bill, 'CloudWatch custom metrics').usd).toBeCloseTo(23.63, 2);
  });

  it('invokes a function once per event its rules match and once per scheduled run, at its memory', () => {
    // Prepare: one function of 512 MB whose rule matches Instance Ready; a schedule every hour straight to it
    const inventory: Inventory = {
      ...EMPTY,
      functions: [{ logicalId: 'F', name: 'kismo-f', memoryMb: 512 }],
      rules: [
        {
          logicalId: 'R',
          sources: ['kismo'],
          detailTypes: ['Instance Ready'],
          function: 'kismo-f',
          forwards: false,
        },
      ],
      schedules: [
        { logicalId: 'S', expression: 'rate(1 hour)', timeZone: 'UTC', function: 'kismo-f', via: 'function' },
      ],
    };

    // Act: 100 sessions → 100 Instance Ready
    const bill = billOf(inventory, { ...NOBODY, sessions: 100 }, prices, 'us-east-1');

    // Assess: 100 + 730 = 830 invocations × 0.4 s × 0.5 GB = 166 GB-s
    expect(bill.volumes['invocations:kismo-f']).toBe(830);
    expect(lineOf(bill, 'Lambda duration (arm64)').usd).toBeCloseTo(166 * 0.0000133334, 9);
    expect(lineOf(bill, 'EventBridge Scheduler').usd).toBeCloseTo(730 / 1e6, 9);
    // The rule's queue: send, receive and delete per message; the schedule goes straight to the function.
    expect(lineOf(bill, 'SQS requests').usd).toBeCloseTo((300 * 0.4) / 1e6, 9);
  });

  it('counts a schedule’s runs over a year: every 5 minutes, hourly, each weekday morning', () => {
    // Act + Assess
    expect(runsPerMonth('rate(5 minutes)', 'UTC')).toBe(8760);
    expect(runsPerMonth('cron(10 * * * ? *)', 'Asia/Tokyo')).toBe(730);
    expect(runsPerMonth('cron(0 9 ? * MON-FRI *)', 'Asia/Tokyo')).toBeCloseTo(261 / 12, 6);
  });

  it('refuses a region without a dated table, naming those it has', () => {
    // Act + Assess
    expect(COSTED_REGIONS).toContain('us-east-1');
    expect(() => controlPlanePrices('eu-west-1')).toThrow(/no dated price table for eu-west-1: .*us-east-1/);
  });
});

describe('the kismo stack’s bill', () => {
  let model: ReturnType<typeof billOf>;
  let idle: ReturnType<typeof billOf>;
  let inventory: Inventory;

  beforeAll(async () => {
    inventory = inventoryOf(await synthesizedTemplate());
    model = billOf(inventory, DEFAULT_USAGE, prices, 'us-east-1');
    idle = billOf(inventory, NO_INSTANCES, prices, 'us-east-1');
  }, 60_000);

  it('is read from the template: one polled queue per service that consumes events, one alarm, no dashboard, no secret', () => {
    // Assess
    const consumers = [
      'cost-estimator',
      'launcher',
      'notifier',
      'readiness-watcher',
      'session-control',
      'session-journal',
    ];
    expect(inventory.polledQueues).toBe(consumers.length);
    expect(
      inventory.schedules
        .filter((s) => s.via === 'function')
        .map((s) => s.function)
        .sort(),
    ).toEqual(['kismo-business-hours-restarter', 'kismo-idle-monitor']);
    expect(inventory).toMatchObject({ alarms: 1, alarmMetrics: 1, dashboards: 0, secrets: 0, kmsKeys: 0 });
    expect(inventory.putsCustomMetrics).toBe(false);
    expect(inventory.functionUrls).toEqual(['kismo-slack-actions']);
  });

  it('stays under $3.50 a month for 20 users and 50 instances, and under $2.50 with none, without the free tier', () => {
    // Assess
    expect(model.total).toBeLessThanOrEqual(3.5);
    expect(idle.total).toBeLessThanOrEqual(2.5);
    expect(model.totalWithFreeTier).toBeLessThanOrEqual(model.total);
    expect(model.lines.map((l) => l.item)).toContain('SQS requests');
  });

  it('is what docs/deploy.md shows between its npm run cost markers', () => {
    // Prepare
    const doc = readFileSync(path.join(import.meta.dirname, '../../../docs/deploy.md'), 'utf8');
    const block = /<!-- npm run cost -- --markdown -->\n([\s\S]*?)\n<!-- \/npm run cost -->/.exec(doc)?.[1];

    // Assess: biome formats the doc's tables, so compare cells, not spaces
    const cells = (text: string) =>
      text.split('\n').map((row) =>
        row
          .split('|')
          .map((cell) => cell.trim())
          .filter((cell) => !/^-+$/.test(cell))
          .join('|'),
      );
    expect(block, 'docs/deploy.md has the markers').toBeDefined();
    expect(cells(block ?? '')).toEqual(cells(costDocBlock(model, idle)));
  });
});
