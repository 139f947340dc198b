import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseUntil } from '../../cli/session/parse-until';
import { idleStrikesCleared, instanceIdle, instanceLaunched } from '../../contracts/catalog';
import type { EventEnvelope } from '../../contracts/kit/contract';
import { sessionKey } from '../../contracts/manifest';
import { createPublisher } from '../../contracts/publish';
import { eventBridgeBus } from '../../services/kit/ports/bus';
import sessionControl from '../../services/session-control/service';
import journal from '../../services/session-journal/service';
import { keepAliveKey } from '../../services/shared/keep-alive';
import { idle, launched, OWNER } from '../factories/kismo-events';
import { sessionLaunch } from '../factories/launch';
import { kismoInProcess } from '../support/cli-process';
import { all } from '../support/collect';
import { startTestCloud, type TestCloud } from '../support/local-cloud';
import { writeLocalProfile } from '../support/push-fixtures';

const SESSION = '20261130-010000-ctl001';
/** The local cloud's frozen clock: the CLI's clock is set to it where a time matters. */
const CLOUD_NOW = new Date('2026-11-30T01:00:00Z');

const kismo = kismoInProcess;

describe('kismo stop, start, keep and down on the local cloud', () => {
  let test: TestCloud;
  let home: string;
  let instanceId: string;
  const events: EventEnvelope[] = [];
  const saved = { ...process.env };
  const mine = () => events.filter((e) => (e.detail as { instanceId?: string }).instanceId === instanceId);
  const state = async () => {
    const [instance] = await all(test.cloud.ec2.describe({ instanceIds: [instanceId] }));
    return instance?.state;
  };
  const read = async (key: string) => {
    const answer = await test.cloud.s3().send(new GetObjectCommand({ Bucket: test.cloud.bucket, Key: key }));
    return JSON.parse((await answer.Body?.transformToString()) ?? 'null');
  };
  const status = () => read(sessionKey(OWNER, SESSION, 'status.json'));
  let publish: ReturnType<typeof createPublisher>;

  const PROFILES = [
    ['local', OWNER],
    ['local-bob', 'bob'],
  ] as const;

  beforeAll(async () => {
    test = await startTestCloud({ services: [sessionControl, journal] });
    test.cloud.tap((e) => events.push(e));
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-control-'));
    Object.assign(process.env, { XDG_CONFIG_HOME: home, KISMO_OWNER: OWNER, KISMO_PROFILE: 'local' });
    // As `kismo dev` writes them: each profile holds the keys of an IAM user tagged as its owner, with the KismoUser policy.
    for (const [name, user] of PROFILES) writeLocalProfile(home, test.cloud, name, user);
    publish = createPublisher({
      bus: eventBridgeBus(
        new EventBridgeClient({
          endpoint: test.cloud.endpoint,
          region: test.cloud.region,
          credentials: test.cloud.credentials,
        }),
        test.cloud.config.busName,
      ),
    });
    const instance = await test.cloud.ec2.launch(sessionLaunch({ sessionId: SESSION }));
    instanceId = instance.instanceId;
    await publish.publish(
      instanceLaunched,
      launched({ sessionId: SESSION, instanceId, instanceType: 'g4dn.xlarge' }),
    );
    await test.cloud.settle();
  });

  afterEach(() => {
    vi.useRealTimers();
    process.env.KISMO_PROFILE = 'local';
  });

  afterAll(async () => {
    process.env = saved;
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('stop writes a request under the session, and session-control stops the instance', async () => {
    // Act
    const run = await kismo('stop', SESSION, '--json');
    await test.cloud.settle();

    // Assess
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed).toEqual({
      sessionId: SESSION,
      action: 'stop',
      request: expect.stringMatching(
        new RegExp(`^users/${OWNER}/sessions/${SESSION}/requests/\\d{8}T\\d{9}Z-stop\\.json$`),
      ),
    });
    expect(await read(printed.request)).toEqual({ action: 'stop', requestedAt: expect.any(String) });
    expect(await state()).toBe('stopped');
    expect((await status()).state).toBe('stopped');
  });

  it('start says what was asked and who acts, and the instance runs again', async () => {
    // Act
    const run = await kismo('start', SESSION);
    await test.cloud.settle();

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `start requested for session ${SESSION}.\nsession-control checks the session is yours and starts the instance again, within seconds: \`kismo status ${SESSION}\` shows it.\n`,
    );
    expect(await state()).toBe('running');
    expect(mine().map((e) => e['detail-type'])).toEqual([
      'Instance Launched',
      'Instance Stopped',
      'Instance Restarted',
    ]);
  });

  it('keep records the keep-alive for the idle monitor and in the session’s status', async () => {
    // Prepare: the CLI reads the time as the cloud does
    vi.useFakeTimers({ toFake: ['Date'], now: CLOUD_NOW });

    // Act
    const run = await kismo('keep', SESSION, '--until', '2026-11-30T21:00:00+09:00', '--json');
    await test.cloud.settle();

    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ action: 'keep', until: '2026-11-30T12:00:00.000Z' });
    expect(await read(keepAliveKey(instanceId))).toMatchObject({ until: '2026-11-30T12:00:00.000Z' });
    expect((await status()).keepAliveUntil).toBe('2026-11-30T12:00:00.000Z');
  });

  it('refuses a --until it cannot read, or one already past, before writing anything', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'], now: CLOUD_NOW });

    // Act
    const unreadable = await kismo('keep', SESSION, '--until', 'soonish');
    const past = await kismo('keep', SESSION, '--until', '2026-11-29T10:00:00Z');

    // Assess
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toMatch(/^kismo: BAD_UNTIL: cannot read "soonish" as a time/);
    expect(past.stderr).toMatch(/^kismo: BAD_UNTIL: 2026-11-29T10:00:00.000Z is already past/);
  });

  it('ls shows the idle strikes, and clears them when the monitor does', async () => {
    // Prepare
    const strikes = async () => (await kismo('ls')).stdout.split('\n')[1]?.split(/\s{2,}/)[4];
    await publish.publish(
      instanceIdle,
      idle({ sessionId: SESSION, instanceId, strike: 1, action: 'will-stop' }),
    );
    await test.cloud.settle();
    const struck = await strikes();

    // Act
    await publish.publish(idleStrikesCleared, {
      owner: OWNER,
      instanceId,
      sessionId: SESSION,
      strikes: 1,
      reason: 'active',
    });
    await test.cloud.settle();

    // Assess
    expect(struck).toBe('1');
    expect(await strikes()).toBe('0');
  });

  it('refuses another owner’s session: the CLI finds no such session, a forged request does nothing', async () => {
    // Prepare: bob, with his own profile (his own keys)
    process.env.KISMO_PROFILE = 'local-bob';
    const before = mine().length;

    // Act
    const run = await kismo('down', SESSION);
    await test.cloud.s3().send(
      new PutObjectCommand({
        Bucket: test.cloud.bucket,
        Key: `users/bob/sessions/${SESSION}/requests/forged-down.json`,
        Body: JSON.stringify({ action: 'down' }),
      }),
    );
    await test.cloud.settle();

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^kismo: UNKNOWN_SESSION: you \(bob\) have no session 20261130-010000-ctl001/);
    const bobs = await test.cloud
      .s3()
      .send(
        new ListObjectsV2Command({ Bucket: test.cloud.bucket, Prefix: `users/bob/sessions/${SESSION}/` }),
      );
    expect(bobs.Contents?.map((o) => o.Key)).toEqual([
      `users/bob/sessions/${SESSION}/requests/forged-down.json`,
    ]);
    expect(await state()).toBe('running');
    expect(mine()).toHaveLength(before);
    expect(await test.cloud.deadLetters('session-control')).toEqual([]);
  });

  it('down terminates the instance, and afterwards there is nothing left to ask', async () => {
    // Act
    const run = await kismo('down', SESSION);
    await test.cloud.settle();
    const again = await kismo('start', SESSION);
    const downAgain = await kismo('down', SESSION);
    const listed = await kismo('ls');

    // Assess
    expect(run.code).toBe(0);
    expect(await state()).toBe('terminated');
    expect((await status()).state).toBe('terminated');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^kismo: SESSION_TERMINATED: /);
    expect(downAgain.code).toBe(0);
    expect(downAgain.stdout).toBe(`session ${SESSION} is already terminated: nothing to do.\n`);
    const row = listed.stdout.split('\n').find((line) => line.startsWith(SESSION)) ?? '';
    expect(row).toMatch(/terminated/);
    expect(row).not.toMatch(/\$[\d.]+\/h/);
  });
});

describe('--until', () => {
  // Monday 30 November 2026, 10:00 UTC; the machine's zone is whatever the test runs in.
  const now = new Date('2026-11-30T10:00:00Z');
  const local = (days: number, hours: number, minutes = 0) =>
    new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, hours, minutes).toISOString();

  it.each([
    ['3h', '2026-11-30T13:00:00.000Z'],
    ['90m', '2026-11-30T11:30:00.000Z'],
    ['1d2h', '2026-12-01T12:00:00.000Z'],
    ['2026-12-01T09:00:00+09:00', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01T09:00:00Z', '2026-12-01T09:00:00.000Z'],
  ])('reads %s', (input, expected) => {
    // Act + Assess
    expect(parseUntil(input, now).toISOString()).toBe(expected);
  });

  it('reads wall-clock times in the machine’s zone: HH:MM is the next one, tomorrow HH:MM is tomorrow', () => {
    // Prepare: half past the next hour, and half past the hour gone (so: tomorrow)
    const ahead = new Date(now);
    ahead.setHours(now.getHours() + 1, 30, 0, 0);
    const behind = new Date(now);
    behind.setHours(now.getHours() - 1, 30, 0, 0);
    behind.setDate(behind.getDate() + 1);
    const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:30`;

    // Act
    const next = parseUntil(hhmm(ahead), now);
    const passed = parseUntil(hhmm(behind), now);
    const tomorrow = parseUntil('tomorrow 09:00', now);
    const noZone = parseUntil('2026-12-01T18:00', now);

    // Assess
    expect(next.toISOString()).toBe(ahead.toISOString());
    expect(passed.toISOString()).toBe(behind.toISOString());
    expect(tomorrow.toISOString()).toBe(local(1, 9));
    expect(noZone.toISOString()).toBe(new Date(2026, 11, 1, 18, 0).toISOString());
  });

  it.each([
    ['a day without a time', '2026-12-01', /a day without a time/],
    ['a time already past', '2026-11-30T09:00:00Z', /already past/],
    ['more than 14 days ahead', '15d', /at most 14 days/],
    ['nonsense', 'whenever', /cannot read/],
  ])('refuses %s', (_, input, message) => {
    // Act + Assess
    expect(() => parseUntil(input, now)).toThrow(message);
  });
});
