// npm run bench:bus — latency per hop on the local cloud: PutEvents → first service's handler, and
// that service's publish → second service's handler. Two clouds run side by side, one enforcing
// IAM (as `kismo dev` does) and its peer without, rounds alternating between them; it prints
// p50/p99 of each and what enforcement adds. Targets: p50 < 25 ms per hop, IAM adding ≤ 2 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { instanceReady, workFinished } from '../contracts/catalog';
import { MovableClock } from '../infra/local/clock/movable-clock';
import { LocalCloud } from '../infra/local/cloud';
import { defineService } from '../services/kit/define-service';

const ROUNDS = Number(process.env.ROUNDS ?? 200);

/** One cloud under test: its two services, and the times they saw. */
interface Lane {
  readonly name: string;
  readonly cloud: LocalCloud;
  readonly bus: EventBridgeClient;
  readonly stateDir: string;
  readonly firstHop: number[];
  readonly secondHop: number[];
  readonly sentAt: Map<number, number>;
  readonly relayedAt: Map<number, number>;
  arrived?: () => void;
}

async function startLane(name: string, iam: boolean): Promise<Lane> {
  const lane = {
    name,
    firstHop: [],
    secondHop: [],
    sentAt: new Map(),
    relayedAt: new Map(),
  } as unknown as Lane;
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
      lane.firstHop.push(performance.now() - (lane.sentAt.get(round) ?? 0));
      lane.relayedAt.set(round, performance.now());
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
      lane.secondHop.push(performance.now() - (lane.relayedAt.get(event.detail.exitCode) ?? 0));
      lane.arrived?.();
    },
  });
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'kismo-bench-bus-'));
  const cloud = await LocalCloud.start({
    port: 0,
    stateDir,
    services: [first, second],
    clock: new MovableClock({ frozen: true }),
    realtimeSchedules: false,
    chat: { post: async () => ({ ts: '0' }) },
    iam,
  });
  const bus = new EventBridgeClient({
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: cloud.credentials,
  });
  return Object.assign(lane, { cloud, bus, stateDir });
}

async function round(lane: Lane, n: number): Promise<void> {
  const done = new Promise<void>((resolve) => {
    lane.arrived = resolve;
  });
  lane.sentAt.set(n, performance.now());
  await lane.bus.send(
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
            bootSeconds: n,
            dataSeconds: 0,
          }),
        },
      ],
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    done,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${lane.name}: round ${n} never arrived`)), 10_000);
    }),
  ]).finally(() => clearTimeout(timer));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const enforced = await startLane('IAM enforced', true);
const peer = await startLane('IAM off (peer)', false);
try {
  // Rounds alternate between the clouds, so drift in the machine's load falls on both alike.
  for (let n = 0; n < ROUNDS; n++) {
    await round(enforced, n);
    await round(peer, n);
  }
} finally {
  for (const lane of [enforced, peer]) {
    lane.bus.destroy();
    await lane.cloud.stop();
    rmSync(lane.stateDir, { recursive: true, force: true });
  }
}

const ms = (value: number) => `${value.toFixed(1).padStart(6)} ms`;
const hops = [
  ['PutEvents → bench-first handler', 'firstHop'],
  ['bench-first publish → bench-second handler', 'secondHop'],
] as const;
const lines = [`${ROUNDS} events through each cloud, one at a time, alternating`];
let met = true;
for (const [title, hop] of hops) {
  const on = percentile(enforced[hop], 50);
  const off = percentile(peer[hop], 50);
  met &&= on < 25 && on - off <= 2;
  lines.push(
    title,
    ...[enforced, peer].map(
      (lane) =>
        `  ${lane.name.padEnd(16)} p50 ${ms(percentile(lane[hop], 50))}   p99 ${ms(percentile(lane[hop], 99))}`,
    ),
    `  IAM adds ${ms(on - off).trim()} to the p50 (${(on / off).toFixed(2)}× the peer's)`,
  );
}
lines.push(`target: p50 under 25 ms per hop, IAM adding at most 2 ms → ${met ? 'met' : 'MISSED'}`, '');
process.stdout.write(lines.join('\n'));
