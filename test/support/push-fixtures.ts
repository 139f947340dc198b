import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { addPerson } from '../../cli/commands/dev';
import type { EventEnvelope } from '../../contracts/kit/contract';
import type { LocalCloud } from '../../infra/local/cloud';

/** Writes files (path → content, or a size for random bytes) under a folder. */
export function writeTree(root: string, files: Record<string, string | number>): void {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'number' ? randomBytes(content) : content);
  }
}

/** `count` random files of `size` bytes, `f000.bin`… */
export function manyFiles(count: number, size: number, folder = ''): Record<string, number> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      path.posix.join(folder, `f${String(i).padStart(3, '0')}.bin`),
      size,
    ]),
  );
}

/**
 * A profile for this cloud in `<configHome>/kismo/config.json`, as `kismo dev` writes it: the keys
 * of a person of the cloud tagged as `owner` (an IAM user), with the `KismoUser` policy and an
 * instance role.
 */
export function writeLocalProfile(
  configHome: string,
  cloud: LocalCloud,
  name = 'local',
  owner = 'ada',
): void {
  addPerson(cloud, name, owner, { file: path.join(configHome, 'kismo', 'config.json') });
}

/**
 * A user's home for the CLI: a temp folder with ada's `local` profile of `cloud`, and the
 * environment that points the CLI at it (config and state under the folder, owner, profile).
 */
export function localUserHome(
  cloud: LocalCloud,
  name: string,
  extra: NodeJS.ProcessEnv = {},
): { home: string; env: NodeJS.ProcessEnv } {
  const home = mkdtempSync(path.join(os.tmpdir(), `kismo-${name}-`));
  writeLocalProfile(path.join(home, 'config'), cloud);
  const env = {
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_STATE_HOME: path.join(home, 'state'),
    KISMO_OWNER: 'ada',
    KISMO_PROFILE: 'local',
    ...extra,
  };
  return { home, env };
}

/** Every bus event, in order, for assertions on what S3 reported. */
export class EventLog {
  readonly events: EventEnvelope[] = [];
  private barrier = 0;

  constructor(private readonly cloud: LocalCloud) {
    cloud.tap((event) => this.events.push(event));
  }

  /** Keys of `Object Created` events under a prefix, in the order S3 reported them (events `from` to `to`). */
  created(prefix: string, from = 0, to = this.events.length): string[] {
    return this.keys('Object Created', prefix, from, to);
  }

  deleted(prefix: string, from = 0, to = this.events.length): string[] {
    return this.keys('Object Deleted', prefix, from, to);
  }

  /**
   * The local cloud reports a write just after answering it, so a client can finish before its last
   * events arrive. Writing a marker and waiting for its event lets those earlier reports land first.
   */
  async settle(): Promise<number> {
    const key = `test-barrier/${this.barrier++}`;
    const s3 = this.cloud.s3();
    try {
      await s3.send(new PutObjectCommand({ Bucket: this.cloud.bucket, Key: key, Body: 'barrier' }));
    } finally {
      s3.destroy();
    }
    const deadline = Date.now() + 10_000;
    while (!this.created(key).length) {
      if (Date.now() > deadline) throw new Error('the barrier event never came');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    return this.events.length;
  }

  private keys(type: string, prefix: string, from: number, to: number): string[] {
    return this.events
      .slice(from, to)
      .filter((e) => e['detail-type'] === type)
      .map((e) => (e.detail as { object: { key: string } }).object.key)
      .filter((key) => key.startsWith(prefix));
  }
}

/** Keys under a prefix, as the bucket lists them now. */
export async function listKeys(cloud: LocalCloud, prefix: string): Promise<string[]> {
  const s3 = cloud.s3();
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: cloud.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  } finally {
    s3.destroy();
  }
}
