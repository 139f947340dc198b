// npm run bench:bus — latency per hop on the local cloud: PutEvents → first service's handler, and
// that service's publish → second service's handler. Prints p50/p99; the target is p50 < 25 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { instanceReady, workFinished } from '../contracts/catalog';
import { MovableClock } from '../infra/local/clock/movable-clock';
import { LocalCloud } from '../infra/local/cloud';
import { defineService } from '../services/kit/define-service';

const ROUNDS = Number(process.env.ROUNDS ?? 200);
const sentAt = new Map<number, number>();
const firstHop: number[] = [];
const secondHop: number[] = [];
const relayedAt = new Map<number, number>();
let arrived: (() => void) | undefined;

const first = defineService({
  name: 'bench-first',
  description: 'bench: receives Instance Ready, publishes Work Finished',
  consumes: [instanceReady],
  emits: [workFinished],
  capabilities: {},
  idempotent: false,
  async handle(event, { publish }) {
    if (event.name !== 'Instance Ready v1') return;
    const round = event.detail.bootSeconds;
    firstHop.push(performance.now() - (sentAt.get(round) ?? 0));
    relayedAt.set(round, performance.now());
    const { owner, sessionId, instanceId } = event.detail;
    await publish(workFinished, { owner, sessionId, instanceId, exitCode: round });
  },
});

const second = defineService({
  name: 'bench-second',
  description: 'bench: receives Work Finished',
  consumes: [workFinished],
  emits: [],
  capabilities: {},
  idempotent: false,
  async handle(event) {
    if (event.name !== 'Work Finished v1') return;
    secondHop.push(performance.now() - (relayedAt.get(event.detail.exitCode) ?? 0));
    arrived?.();
  },
});

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'kismo-bench-bus-'));
const started = performance.now();
const cloud = await LocalCloud.start({
  port: 0,
  stateDir,
  services: [first, second],
  clock: new MovableClock({ frozen: true }),
  realtimeSchedules: false,
  chat: { post: async () => ({ ts: '0' }) },
});
const startup = performance.now() - started;
const bus = new EventBridgeClient({
  endpoint: cloud.endpoint,
  region: cloud.region,
  credentials: cloud.credentials,
});

for (let round = 0; round < ROUNDS; round++) {
  const done = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  sentAt.set(round, performance.now());
  await bus.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: 'kismo',
          Source: 'kismo',
          DetailType: 'Instance Ready',
          Detail: JSON.stringify({
            version: 1,
            owner: 'bench',
            sessionId: '20261128-000000-bench0',
            instanceId: 'i-0000000000000beef',
            address: '10.0.0.1',
            connect: 'ssh',
            bootSeconds: round,
            dataSeconds: 0,
          }),
        },
      ],
    }),
  );
  await Promise.race([
    done,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`round ${round} never arrived`)), 10_000)),
  ]);
}

bus.destroy();
await cloud.stop();
rmSync(stateDir, { recursive: true, force: true });

const row = (name: string, values: number[]) =>
  `${name.padEnd(42)} p50 ${percentile(values, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(values, 99).toFixed(1).padStart(6)} ms`;
process.stdout.write(
  [
    `local cloud started in ${startup.toFixed(0)} ms; ${ROUNDS} events, one at a time`,
    row('PutEvents → bench-first handler', firstHop),
    row('bench-first publish → bench-second handler', secondHop),
    `target: p50 under 25 ms per hop → ${percentile(firstHop, 50) < 25 && percentile(secondHop, 50) < 25 ? 'met' : 'MISSED'}`,
    '',
  ].join('\n'),
);
