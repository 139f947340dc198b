// npm run demo — the whole kismo flow on the embedded local cloud, printed as it happens.
// Nothing leaves this machine: S3, SQS, the bus, every service and a simulated EC2 run in-process.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addPerson } from '../cli/commands/dev';
import { push } from '../cli/commands/push';
import { main } from '../cli/main';
import { processIo } from '../cli/push/io';
import type { EventEnvelope } from '../contracts/kit/contract';
import type { ConsoleChat } from '../infra/local/chat/console-chat';
import { MovableClock } from '../infra/local/clock/movable-clock';
import { LocalCloud } from '../infra/local/cloud';
import { localSlackMember } from '../infra/local/slack-app';
import { describeEvent } from './demo/describe-event';

const DATA = path.resolve(import.meta.dirname, '..', 'examples', 'data');
const HOUR = 3600_000;
const MINUTE = 60_000;
// Colours on a terminal only: piped into a file or a CI log, the demo writes plain text.
const tty = Boolean(process.stdout.isTTY);
const [bold, cyan, reset] = tty ? ['\x1b[1m', '\x1b[36m', '\x1b[0m'] : ['', '', ''];
const say = (text: string) => process.stdout.write(`\n${bold}▶ ${text}${reset}\n`);

const home = mkdtempSync(path.join(os.tmpdir(), 'kismo-demo-'));
process.env.XDG_CONFIG_HOME = path.join(home, 'config');
const owner = process.env.KISMO_OWNER ?? 'demo';
// Monday 30 November 2026, 09:55 in Tokyo: business hours are about to begin.
const clock = new MovableClock({ start: new Date('2026-11-30T00:55:00Z'), frozen: true });

say('Starting the local cloud (S3 + SQS on 127.0.0.1, the bus, every service, a simulated EC2)');
const cloud = await LocalCloud.start({
  port: 0,
  stateDir: path.join(home, 'state'),
  clock,
  realtimeSchedules: false,
  // The owner is a Slack member of the console chat: mentioned, and able to press buttons.
  config: { slack: { users: { [owner]: localSlackMember(owner) } } },
});
process.stdout.write(`  ready at ${cloud.endpoint} with ${cloud.services.map((s) => s.name).join(', ')}\n`);
// The owner: an IAM user of the local cloud tagged kismo-owner, with the KismoUser policy and an instance role, as on AWS.
addPerson(cloud, 'local', owner);

const seen: EventEnvelope[] = [];
cloud.tap((event) => {
  seen.push(event);
  const line = describeEvent(event);
  if (line) process.stdout.write(`  ${cyan}event${reset} ${line}\n`);
});

try {
  say(`kismo push ${path.relative(process.cwd(), DATA)} -t p3.2xlarge --profile local --yes`);
  const globals = { profile: 'local', json: false, debug: false };
  const result = await push(
    DATA,
    { type: 'p3.2xlarge', concurrency: 16, wait: false, yes: true },
    globals,
    processIo(),
  );
  const manifestAt = performance.now();
  const ready = await waitFor(() => seen.find((e) => e['detail-type'] === 'Instance Ready'), 20_000);
  process.stdout.write(
    `  manifest written → Instance Ready in ${((performance.now() - manifestAt) / 1000).toFixed(2)} s\n`,
  );
  await cloud.settle();

  say(`kismo status ${result.sessionId} --profile local`);
  await main(['status', result.sessionId, '--profile', 'local']);
  const instanceId = (ready.detail as { instanceId: string }).instanceId;
  const sandbox = cloud.ec2.sandbox(instanceId) ?? '';
  const copy = path.join(sandbox, 'data', path.basename(DATA));
  process.stdout.write(
    `  the instance's disk (${copy}) holds the dataset ${sameTree(DATA, copy) ? 'byte for byte ✓' : 'WITH DIFFERENCES ✗'}\n`,
  );

  say(
    'An idle hour in business hours (10:00–11:00 Tokyo): at 11:10, once the instance has written that hour, the owner is mentioned',
  );
  await cloud.advance(HOUR + 15 * MINUTE);

  say('The owner presses [Keep 2 h] on that message: Slack posts the press, kismo keeps the instance');
  const keep = (cloud.chat as ConsoleChat).buttons.findLast((b) => b.actionId === 'kismo:keep-2h');
  if (!keep) throw new Error('the idle mention has no Keep 2 h button');
  const pressed = await cloud.slack.press(keep, localSlackMember(owner));
  if (pressed.status !== 200) throw new Error(`the press was refused (${pressed.status}): ${pressed.body}`);
  await cloud.settle();

  say('Evening: business hours end at 19:00; two idle readings in a row (19:10, 20:10) stop the instance');
  await cloud.advance(10 * HOUR);
  process.stdout.write(`  instance ${instanceId} is now ${await stateOf(instanceId)}\n`);

  say('Next business morning: the instances kismo stopped for idleness start again');
  await cloud.advance(13 * HOUR);
  process.stdout.write(`  instance ${instanceId} is now ${await stateOf(instanceId)}\n`);

  say(
    'Done. Try it yourself (README, "Using kismo"): `kismo dev` in one terminal, `kismo push ./examples/data -t p3.2xlarge --profile local --yes` in another.',
  );
} finally {
  await cloud.stop();
  rmSync(home, { recursive: true, force: true });
}

async function stateOf(instanceId: string): Promise<string> {
  for await (const instance of cloud.ec2.describe({ instanceIds: [instanceId] })) return instance.state;
  return 'gone';
}

async function waitFor<T>(find: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error('the instance did not become ready in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function sameTree(a: string, b: string): boolean {
  const files = (root: string, dir = root): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(root, full) : [path.relative(root, full)];
    });
  try {
    const left = files(a)
      .filter((f) => !f.startsWith('.kismo'))
      .sort();
    const right = files(b).sort();
    return (
      JSON.stringify(left) === JSON.stringify(right) &&
      left.every((f) => readFileSync(path.join(a, f)).equals(readFileSync(path.join(b, f))))
    );
  } catch {
    return false;
  }
}
