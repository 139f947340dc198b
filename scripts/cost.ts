// npm run cost — what kismo's control plane costs a month: the stack synthesized from this
// checkout (cdk.json and services/), a usage model, and a dated list-price table, line by line.
//   npm run cost -- [--region us-east-1] [--users 20] [--instances 50] [--hours 10] [--days 21]
//                   [--sessions N] [--presses 200] [--seconds 0.4] [--json] [--markdown]
import { parseArgs } from 'node:util';
import { billOf, DEFAULT_USAGE, NO_INSTANCES, type UsageModel } from '../infra/cost/bill';
import { inventoryOf } from '../infra/cost/inventory';
import { controlPlanePrices } from '../infra/cost/prices';
import { billText, costDocBlock } from '../infra/cost/render';
import { synthesizedTemplate } from '../infra/cost/synth';

const { values } = parseArgs({
  options: {
    region: { type: 'string', default: 'us-east-1' },
    users: { type: 'string' },
    instances: { type: 'string' },
    hours: { type: 'string' },
    days: { type: 'string' },
    sessions: { type: 'string' },
    presses: { type: 'string' },
    seconds: { type: 'string' },
    json: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'npm run cost -- [--region R] [--users N] [--instances N] [--hours H] [--days D] [--sessions N]\n' +
      '                [--presses N] [--seconds S] [--json] [--markdown]\n' +
      'The control plane a month: the default model, and the same with no instance running.\n',
  );
  process.exit(0);
}

function count(name: keyof typeof values, fallback: number): number {
  const text = values[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`--${name} takes a number of 0 or more, not "${text}"\n`);
    process.exit(2);
  }
  return value;
}

let prices: ReturnType<typeof controlPlanePrices>;
try {
  prices = controlPlanePrices(values.region);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}

const users = count('users', DEFAULT_USAGE.users);
const days = count('days', DEFAULT_USAGE.workingDays);
const usage: UsageModel = {
  users,
  instances: count('instances', DEFAULT_USAGE.instances),
  hoursPerDay: count('hours', DEFAULT_USAGE.hoursPerDay),
  workingDays: days,
  sessions: count('sessions', users * days),
  presses: count('presses', DEFAULT_USAGE.presses),
  secondsPerInvocation: count('seconds', DEFAULT_USAGE.secondsPerInvocation),
};
const inventory = inventoryOf(await synthesizedTemplate());
const model = billOf(inventory, usage, prices, values.region);
const idle = billOf(
  inventory,
  { ...NO_INSTANCES, users: usage.users, workingDays: usage.workingDays },
  prices,
  values.region,
);

if (values.json) {
  process.stdout.write(`${JSON.stringify({ model, noInstances: idle, inventory })}\n`);
} else if (values.markdown) {
  process.stdout.write(`${costDocBlock(model, idle)}\n`);
} else {
  process.stdout.write(billText(model));
  process.stdout.write(
    `\nWith no instance running: $${idle.total.toFixed(2)} a month, $${idle.totalWithFreeTier.toFixed(2)} with the free tier.\n`,
  );
}
