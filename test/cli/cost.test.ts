// kismo cost on the local cloud: two sessions pushed with kismo push, one ended with kismo down,
// the other stopped for idleness overnight; the estimator keeps their ledgers as the clock moves,
// and kismo cost shows what the morning summary says, per session and in total.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceStopped } from '../../contracts/catalog';
import { costLedgerKey } from '../../contracts/cost-ledger';
import { createPublisher } from '../../contracts/publish';
import estimator from '../../services/cost-estimator/service';
import { eventBridgeBus } from '../../services/kit/ports/bus';
import launcher from '../../services/launcher/service';
import sessionControl from '../../services/session-control/service';
import journal from '../../services/session-journal/service';
import { kismoInProcess } from '../support/cli-process';
import { startTestCloud, type TestCloud } from '../support/local-cloud';
import { localUserHome, writeLocalProfile, writeTree } from '../support/push-fixtures';

const HOUR = 3600_000;
const OWNER = 'ada';
/** g4dn.xlarge on demand in us-east-1, and its 200 GiB gp3 volume: $16 a month, over 730 hours. */
const HOURLY = 0.526;
const VOLUME_HOURLY = 16 / 730;

const kismo = kismoInProcess;

describe('kismo cost on the local cloud', () => {
  let test: TestCloud;
  let home: string;
  /** Ended: ran 4 h (Monday 01:00–05:00 UTC), then kismo down. */
  let ended: string;
  /** Ran 10 h (01:00–11:00), then stopped for idleness until now, Tuesday 00:00 UTC: 13 h. */
  let idle: string;
  const saved = { ...process.env };

  const push = async (name: string): Promise<{ sessionId: string; instanceId: string }> => {
    const folder = path.join(home, name);
    writeTree(folder, { 'train.csv': 'x,y\n1,2\n' });
    const run = await kismo('push', folder, '-t', 'g4dn.xlarge', '--yes', '--no-wait', '--json');
    expect(run.code).toBe(0);
    const { sessionId } = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
    await test.cloud.settle();
    for await (const instance of test.cloud.ec2.describe({ tags: { 'kismo:session': sessionId } })) {
      return { sessionId, instanceId: instance.instanceId };
    }
    throw new Error(`no instance for ${sessionId}`);
  };

  beforeAll(async () => {
    // Prepare: the cloud's clock is frozen at Monday 2026-11-30 01:00 UTC
    test = await startTestCloud({ services: [launcher, estimator, sessionControl, journal] });
    const user = localUserHome(test.cloud, 'cost', { CI: '1' });
    home = user.home;
    Object.assign(process.env, user.env);
    writeLocalProfile(path.join(home, 'config'), test.cloud, 'local-bob', 'bob');
    const events = new EventBridgeClient({
      endpoint: test.cloud.endpoint,
      region: test.cloud.region,
      credentials: test.cloud.credentials,
    });
    const bus = createPublisher({ bus: eventBridgeBus(events, test.cloud.config.busName) });

    // Act: both launch at 01:00; one is ended at 05:00; the idle monitor stops the other at 11:00
    const first = await push('first');
    const second = await push('second');
    ended = first.sessionId;
    idle = second.sessionId;
    await test.cloud.advance(4 * HOUR);
    expect((await kismo('down', ended)).code).toBe(0);
    await test.cloud.settle();
    await test.cloud.advance(6 * HOUR);
    await bus.publish(instanceStopped, {
      owner: OWNER,
      sessionId: idle,
      instanceId: second.instanceId,
      reason: 'idle',
      hourlyPrice: HOURLY,
    });
    await test.cloud.settle();
    // Tuesday 00:00 UTC, 09:00 in Tokyo: business hours begin, and the morning summary goes out
    await test.cloud.advance(13 * HOUR);
    events.destroy();
  });

  afterAll(async () => {
    process.env = saved;
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('shows each session active since the day and the total, as the morning summary adds them up', async () => {
    // Act
    const run = await kismo('cost', '--since', '2026-11-01');

    // Assess: ended, 4 × $0.526 + 4 h of volume = $2.19; idle, 10 × $0.526 + 23 h of volume = $5.76,
    // 13 h × $0.526 = $6.84 saved; together 14 h, $7.96
    expect(run.code).toBe(0);
    const [heading, head, ...rows] = run.stdout.trimEnd().split('\n');
    expect(heading).toBe('Your sessions active since 2026-11-01 (UTC), as of 2026-12-01 00:00 UTC:');
    expect(head?.split(/\s{2,}/)).toEqual(['SESSION', 'TYPE', 'RAN', 'COST', 'IDLE STOPPED', 'SAVED']);
    const cells = rows.map((row) => row.split(/\s{2,}/));
    expect(cells).toEqual(
      expect.arrayContaining([
        [ended, 'g4dn.xlarge', '4 h', '$2.19', '-', '-'],
        [idle, 'g4dn.xlarge', '10 h', '$5.76', '13 h', '$6.84'],
      ]),
    );
    expect(cells.slice(2)).toEqual([
      ['total, 2 sessions', '14 h', '$7.96', '13 h', '$6.84'],
      [`1 stopped instance still costs $16.00 a month for its volume: \`kismo down ${idle}\` deletes it.`],
      ['Estimates from on-demand prices (no taxes, no data transfer), each session over its whole life.'],
    ]);
    expect(test.chat.messages.map((m) => m.text)).toEqual([
      `💰 *${OWNER}* your 2 kismo session(s): ran 14 h, cost $7.96 so far (estimate). Idle stops saved 13 h, $6.84, against running through the night. 1 stopped instance(s) still cost $16.00 a month for their volumes: \`kismo down SESSION\` deletes one.`,
    ]);
  });

  it('prints one JSON object with each session’s figures and the total', async () => {
    // Act
    const run = await kismo('cost', '--since', '2026-11-01', '--json');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const printed = JSON.parse(run.stdout);
    const round = (n: number) => Math.round(n * 10_000) / 10_000;
    expect(printed).toEqual({
      owner: OWNER,
      since: '2026-11-01',
      asOf: '2026-12-01T00:00:00.000Z',
      currency: 'USD',
      sessions: expect.arrayContaining([
        {
          sessionId: ended,
          instanceType: 'g4dn.xlarge',
          state: 'terminated',
          launchedAt: '2026-11-30T01:00:00.000Z',
          endedAt: '2026-11-30T05:00:00.000Z',
          hourly: HOURLY,
          hoursRun: 4,
          cost: round(4 * HOURLY + 4 * VOLUME_HOURLY),
          idleHoursStopped: 0,
          saved: 0,
          volumeMonthly: 16,
        },
        {
          sessionId: idle,
          instanceType: 'g4dn.xlarge',
          state: 'stopped',
          launchedAt: '2026-11-30T01:00:00.000Z',
          endedAt: null,
          hourly: HOURLY,
          hoursRun: 10,
          cost: round(10 * HOURLY + 23 * VOLUME_HOURLY),
          idleHoursStopped: 13,
          saved: round(13 * HOURLY),
          volumeMonthly: 16,
        },
      ]),
      total: {
        sessions: 2,
        hoursRun: 14,
        cost: round(14 * HOURLY + 27 * VOLUME_HOURLY),
        idleHoursStopped: 13,
        saved: round(13 * HOURLY),
        stopped: 1,
        stoppedVolumesMonthly: 16,
      },
      unreadable: [],
    });
    expect(printed.sessions).toHaveLength(2);
  });

  it('counts from the start of this month unless told, and says so: a session ended before it is left out', async () => {
    // Act
    const run = await kismo('cost');
    const json = JSON.parse((await kismo('cost', '--json')).stdout);

    // Assess
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'Your sessions active since 2026-12-01 (the start of this month, UTC), as of 2026-12-01 00:00 UTC:',
    );
    expect(lines.slice(2, 4).map((line) => line.split(/\s{2,}/))).toEqual([
      [idle, 'g4dn.xlarge', '10 h', '$5.76', '13 h', '$6.84'],
      ['total, 1 session', '10 h', '$5.76', '13 h', '$6.84'],
    ]);
    expect(json.since).toBe('2026-12-01');
    expect(json.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([idle]);
  });

  it.each(['yesterday', '2026-11', '2026/11/01', '2026-02-30', '2026-13-01', '01-11-2026'])(
    'refuses --since %s, saying the format',
    async (since) => {
      // Act
      const run = await kismo('cost', '--since', since);
      const json = await kismo('cost', '--since', since, '--json');

      // Assess
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `kismo: BAD_DATE: --since takes a day written YYYY-MM-DD (UTC), e.g. 2026-11-01; "${since}" is not one\n`,
      );
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toEqual({
        error: { code: 'BAD_DATE', message: expect.stringContaining('YYYY-MM-DD') },
      });
    },
  );

  it('says when none of the sessions was active since the day, and how to see them all', async () => {
    // Prepare: both ended by the first of January
    expect((await kismo('down', idle)).code).toBe(0);
    await test.cloud.settle();
    await test.cloud.clock.advance(31 * 24 * HOUR);

    // Act
    const run = await kismo('cost');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'none of your sessions was active since 2027-01-01 (the start of this month, UTC): `kismo cost --since 2026-11-30` shows them all\n',
    );
  });

  it('tells an owner with no ledger yet how one starts, and succeeds; --json gives empty figures', async () => {
    // Act
    const run = await kismo('cost', '--profile', 'local-bob');
    const json = await kismo('cost', '--profile', 'local-bob', '--json');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'no cost estimates for you (bob) yet: the cost estimator starts one when a session of yours launches (`kismo push ./data -t g4dn.xlarge`)\n',
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      owner: 'bob',
      sessions: [],
      total: { sessions: 0, hoursRun: 0, cost: 0, stopped: 0 },
    });
  });

  it('names a ledger it cannot read, leaves it out, and still succeeds', async () => {
    // Prepare: a ledger of bob's in a shape this kismo does not know
    const key = costLedgerKey('bob', '20261130-010000-bad001');
    const s3 = test.cloud.s3();
    await s3.send(new PutObjectCommand({ Bucket: test.cloud.bucket, Key: key, Body: '{"hourly":"soon"}' }));
    s3.destroy();

    // Act
    const run = await kismo('cost', '--profile', 'local-bob', '--json');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'kismo: 1 ledger(s) this kismo cannot read, left out (20261130-010000-bad001): update kismo\n',
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ sessions: [], unreadable: ['20261130-010000-bad001'] });
  });
});
