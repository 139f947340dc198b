import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { push } from '../../../../cli/commands/push';
import type { EventEnvelope } from '../../../../contracts/kit/contract';
import { simulatedBootstrap } from '../../../../infra/local/ec2/simulated-bootstrap';
import { TAGS } from '../../../../services/kit/ports';
import launcher from '../../../../services/launcher/service';
import { startTestCloud, type TestCloud } from '../../../support/local-cloud';
import { localUserHome, writeTree } from '../../../support/push-fixtures';
import { recordingIo } from '../../../support/recording-io';

/** Every file under `dir` with its content. */
function tree(dir: string, base = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) Object.assign(out, tree(full, base));
    else out[path.relative(base, full)] = readFileSync(full, 'utf8');
  }
  return out;
}

describe('a session keeps the data it was pushed with', () => {
  let test: TestCloud;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let openGate!: () => void;
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  const events: EventEnvelope[] = [];
  /** Until the launcher launched the session's instance (its boot waits at the gate). */
  const launched = async (sessionId: string) => {
    for (let i = 0; i < 500; i++) {
      if (
        events.some(
          (e) =>
            e['detail-type'] === 'Instance Launched' &&
            (e.detail as { sessionId?: string }).sessionId === sessionId,
        )
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`${sessionId} was not launched`);
  };

  beforeAll(async () => {
    const boot = simulatedBootstrap();
    test = await startTestCloud({
      services: [launcher],
      // Instances wait at boot until both pushes are done.
      onBoot: async (cloud, instanceId, userData) => {
        await gate;
        await boot(cloud, instanceId, userData);
      },
    });
    test.cloud.tap((e) => events.push(e));
    ({ home, env } = localUserHome(test.cloud, 'pinned'));
  });
  afterAll(async () => {
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('boots each session with its own push, though the dataset was pushed again before it booted', async () => {
    // Prepare: the first push, whose instance waits; then the folder changes and is pushed again
    const folder = path.join(home, 'data');
    const first = { 'a.csv': 'first a', 'b.csv': 'first b', 'sub/c.csv': 'same c' };
    writeTree(folder, first);
    const options = { type: 'g4dn.xlarge', yes: true, wait: false, concurrency: 4 } as const;
    const globals = { json: false, debug: false };
    const one = await push(folder, options, globals, recordingIo(env).io);
    await launched(one.sessionId);
    writeFileSync(path.join(folder, 'a.csv'), 'second a, longer');
    rmSync(path.join(folder, 'b.csv'));
    writeFileSync(path.join(folder, 'new.csv'), 'new');
    const two = await push(folder, options, globals, recordingIo(env).io);
    await launched(two.sessionId);

    // Act: both instances boot now
    openGate();
    await test.cloud.settle();
    await test.cloud.ec2.settled();
    await test.cloud.settle();

    // Assess
    const dataOf = async (sessionId: string) => {
      for await (const instance of test.cloud.ec2.describe({ tags: { [TAGS.session]: sessionId } })) {
        return tree(path.join(test.cloud.ec2.sandbox(instance.instanceId) ?? '', 'data', 'data'));
      }
      return undefined;
    };
    const s3 = test.cloud.s3();
    const marker = async (sessionId: string, name: string) =>
      s3
        .send(
          new GetObjectCommand({
            Bucket: test.cloud.bucket,
            Key: `users/ada/sessions/${sessionId}/${name}.json`,
          }),
        )
        .then(() => name)
        .catch(() => undefined);
    expect(await marker(one.sessionId, 'failed')).toBeUndefined();
    expect(await marker(one.sessionId, 'ready')).toBe('ready');
    expect(await marker(two.sessionId, 'ready')).toBe('ready');
    expect(await dataOf(one.sessionId)).toEqual(first);
    expect(await dataOf(two.sessionId)).toEqual({
      'a.csv': 'second a, longer',
      'sub/c.csv': 'same c',
      'new.csv': 'new',
    });
    const pins = await s3.send(
      new GetObjectCommand({
        Bucket: test.cloud.bucket,
        Key: `users/ada/sessions/${one.sessionId}/dataset.tsv`,
      }),
    );
    expect(
      (await pins.Body?.transformToString())
        ?.split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[3]),
    ).toEqual(['a.csv', 'b.csv', 'sub/c.csv']);
    s3.destroy();
  });
});
