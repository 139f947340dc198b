import { createPublisher } from '../../../../contracts/publish';
import { SimulatedEc2, type SimulatedEc2Options } from '../../../../infra/local/ec2/simulated-ec2';
import { type KismoConfigInput, parseConfig } from '../../../../services/kit/config';
import { deliver } from '../../../../services/kit/deliver';
import { serviceLogger } from '../../../../services/kit/logger';
import type { Bus, BusEntry, BusEntryResult, Compute, Instance, Ports } from '../../../../services/kit/ports';
import { TAGS } from '../../../../services/kit/ports';
import launcher from '../../../../services/launcher/service';
import { BUCKET, OWNER, objectCreated } from '../../../factories/events';
import { SAMPLE_FILES, sessionManifest } from '../../../factories/manifest';
import { MemoryObjects } from '../../../support/memory-ports';

/** A bus that keeps what it is sent, and fails the next `failures` calls. */
export class RecordingBus implements Bus {
  readonly entries: BusEntry[] = [];
  failures = 0;

  async putEvents(entries: readonly BusEntry[]): Promise<readonly BusEntryResult[]> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('the bus is down'), { name: 'InternalException' });
    }
    this.entries.push(...entries);
    return entries.map((_, i) => ({ EventId: `event-${this.entries.length + i}` }));
  }

  /** The details of the events of one detail-type. */
  published(detailType: string): Record<string, unknown>[] {
    return this.entries.filter((e) => e.DetailType === detailType).map((e) => JSON.parse(e.Detail));
  }
}

export interface LauncherHarness {
  readonly objects: MemoryObjects;
  readonly ec2: SimulatedEc2;
  readonly bus: RecordingBus;
  /** Delivers the manifest's `Object Created` to the launcher, as one SQS record would. */
  deliver(key: string): Promise<void>;
  /** Instances with the session's tag, in any state. */
  instancesOf(sessionId: string): Promise<Instance[]>;
  close(): void;
}

export interface HarnessOptions {
  readonly config?: Partial<KismoConfigInput>;
  readonly ec2?: Partial<SimulatedEc2Options>;
  /** Wraps the simulated EC2, to make it misbehave. */
  readonly compute?: (ec2: SimulatedEc2) => Compute;
}

/** The launcher over in-memory S3, the simulated EC2 and a recording bus, through the kit's delivery path. */
export function launcherHarness(options: HarnessOptions = {}): LauncherHarness {
  const objects = new MemoryObjects();
  const clock = { now: () => new Date('2026-11-28T15:31:00Z') };
  const ec2 = new SimulatedEc2({ clock, onError: () => {}, ...options.ec2 });
  const bus = new RecordingBus();
  const config = parseConfig({ bucket: BUCKET, ...options.config });
  const ports: Ports = {
    objects,
    compute: options.compute ? options.compute(ec2) : ec2,
    bus,
    chat: { post: async () => ({ ts: '1' }) },
    clock,
  };
  const logger = serviceLogger('launcher');
  const publisher = createPublisher({ bus, retries: 0 });
  return {
    objects,
    ec2,
    bus,
    deliver: (key) => deliver(launcher, objectCreated(key), { ports, config, logger, publisher }),
    instancesOf: async (sessionId) => {
      const found: Instance[] = [];
      for await (const instance of ec2.describe({ tags: { [TAGS.session]: sessionId } }))
        found.push(instance);
      return found;
    },
    close: () => ec2.close(),
  };
}

/** Writes a dataset's files and a manifest over them, as `kismo push` does (manifest last). */
export async function pushSession(
  objects: MemoryObjects,
  manifest = sessionManifest(),
  files: Readonly<Record<string, Uint8Array>> = SAMPLE_FILES,
  keyOwner: string = OWNER,
): Promise<string> {
  for (const [name, body] of Object.entries(files))
    await objects.put(`${manifest.dataset.prefix}${name}`, body);
  const key = `users/${keyOwner}/sessions/${manifest.sessionId}/manifest.json`;
  await objects.put(key, JSON.stringify(manifest));
  return key;
}

/** The human message of a `Launch Failed` detail. */
export function reasonMessage(detail: Record<string, unknown> | undefined): string {
  return (detail?.reason as { message?: string } | undefined)?.message ?? '';
}
