import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeProfile } from '../../cli/config/profiles';
import { instanceLaunched } from '../../contracts/catalog';
import { sessionKey } from '../../contracts/manifest';
import { createPublisher } from '../../contracts/publish';
import { eventBridgeBus } from '../../services/kit/ports/bus';
import readinessWatcher from '../../services/readiness-watcher/service';
import journal from '../../services/session-journal/service';
import { launched, OWNER, readyMarker } from '../factories/kismo-events';
import { sessionLaunch } from '../factories/launch';
import { kismoInProcess, runKismo } from '../support/cli-process';
import { startTestCloud, type TestCloud } from '../support/local-cloud';
import { writeLocalProfile } from '../support/push-fixtures';

const READY = '20261130-010000-ready1';
const BOOTING = '20261130-020000-boot01';

const kismo = kismoInProcess;

describe('kismo status and kismo ls on the local cloud', () => {
  let test: TestCloud;
  let home: string;
  let instanceId: string;
  const saved = { ...process.env };

  const PROFILES = [['local', OWNER]] as const;

  beforeAll(async () => {
    test = await startTestCloud({ services: [readinessWatcher, journal] });
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-status-'));
    Object.assign(process.env, { XDG_CONFIG_HOME: home, KISMO_OWNER: OWNER, KISMO_PROFILE: 'local' });
    // As `kismo dev` writes them: each profile holds the keys of an IAM user tagged as its owner, with the KismoUser policy.
    for (const [name, user] of PROFILES) writeLocalProfile(home, test.cloud, name, user);
    // Two sessions as the launch chain leaves them: one ready (marker → watcher → journal), one booting.
    const publisher = createPublisher({
      bus: eventBridgeBus(
        new EventBridgeClient({
          endpoint: test.cloud.endpoint,
          region: test.cloud.region,
          credentials: test.cloud.credentials,
        }),
        test.cloud.config.busName,
      ),
    });
    for (const sessionId of [READY, BOOTING]) {
      const instance = await test.cloud.ec2.launch(sessionLaunch({ sessionId }));
      await publisher.publish(
        instanceLaunched,
        launched({ sessionId, instanceId: instance.instanceId, instanceType: 'g4dn.xlarge' }),
      );
      if (sessionId === READY) instanceId = instance.instanceId;
    }
    await test.cloud.s3().send(
      new PutObjectCommand({
        Bucket: test.cloud.bucket,
        Key: sessionKey(OWNER, READY, 'ready.json'),
        Body: JSON.stringify(readyMarker({ instanceId })),
      }),
    );
    await test.cloud.settle();
  });

  afterAll(async () => {
    process.env = saved;
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('prints the status as JSON: state, instance, type, address and, locally, the sandbox', async () => {
    // Act
    const run = await kismo('status', READY, '--json');

    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      sessionId: READY,
      state: 'ready',
      instanceId,
      instanceType: 'g4dn.xlarge',
      address: expect.stringMatching(/^10\.0\./),
      connect: `aws ssm start-session --target ${instanceId}`,
      sandbox: path.join(test.stateDir, 'instances', instanceId),
      hourlyPrice: 0.526,
    });
  });

  it('prints the status for people: state, instance, price, address, connect, sandbox', async () => {
    // Act
    const run = await kismo('status', READY);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^${READY}  ready\\n`));
    expect(run.stdout).toContain(`instance  ${instanceId} · g4dn.xlarge · $0.526/h`);
    expect(run.stdout).toContain(`connect   aws ssm start-session --target ${instanceId}`);
    expect(run.stdout).toContain(`sandbox   ${path.join(test.stateDir, 'instances', instanceId)}`);
    expect(run.stdout).toMatch(/ready at 10\.0\.\d+\.\d+ after 41 s boot/);
  });

  it('says what to do about a session it does not know, or an id that is not one', async () => {
    // Act
    const unknown = await kismo('status', '20261130-030000-nosuch');
    const malformed = await kismo('status', 'latest');

    // Assess
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^kismo: UNKNOWN_SESSION: .*20261130-030000-nosuch.*`kismo ls` lists your sessions\n$/,
    );
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('BAD_SESSION_ID');
  });

  it('says how to reach kismo when the local cloud does not answer', async () => {
    // Prepare
    writeProfile(
      'stopped',
      {
        kind: 'local',
        endpoint: 'http://127.0.0.1:9',
        region: 'us-east-1',
        bucket: 'kismo-local',
        credentials: { ...test.cloud.credentials },
      },
      path.join(home, 'kismo', 'config.json'),
    );

    // Act
    const run = await kismo('ls', '--profile', 'stopped');

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^kismo: UNREACHABLE: .*start it with `kismo dev`\n$/);
  });

  it('lists the sessions newest first with state, type, uptime, idle strikes and price', async () => {
    // Act
    const run = await kismo('ls');

    // Assess
    const [head, first, second] = run.stdout.trimEnd().split('\n');
    expect(run.code).toBe(0);
    expect(head?.split(/\s+/)).toEqual(['SESSION', 'STATE', 'TYPE', 'UPTIME', 'IDLE', 'PRICE', 'COST']);
    expect(first?.split(/\s{2,}/)).toEqual([
      BOOTING,
      'launching',
      'g4dn.xlarge',
      expect.stringMatching(/min|h/),
      '0',
      '$0.526/h',
      '-',
    ]);
    expect(second?.split(/\s{2,}/)).toEqual([
      READY,
      'ready',
      'g4dn.xlarge',
      expect.stringMatching(/min|h/),
      '0',
      '$0.526/h',
      '-',
    ]);
  });

  it('lists the sessions as JSON lines for scripts', async () => {
    // Act
    const run = await kismo('ls', '--json');

    // Assess
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => [l.sessionId, l.state])).toEqual([
      [BOOTING, 'launching'],
      [READY, 'ready'],
    ]);
    expect(lines[1]).toMatchObject({ instanceId, uptimeSeconds: expect.any(Number) });
    expect(lines[1].timeline).toBeUndefined();
  });

  it('counts uptime on the local cloud’s clock, which its events are stamped with, not the machine’s', async () => {
    // Prepare
    const uptime = async () => {
      const lines = (await kismo('ls', '--json')).stdout.trimEnd().split('\n');
      return lines.map((line) => JSON.parse(line)).find((l) => l.sessionId === READY)?.uptimeSeconds;
    };
    const before = await uptime();

    // Act
    test.cloud.clock.advance(2 * 3600_000);
    const after = await uptime();

    // Assess
    expect(before).toBeLessThan(3600);
    expect(after - before).toBe(7200);
  });

  it('answers the same through the real kismo command', async () => {
    // Act
    const run = await runKismo(['status', READY, '--json'], {
      XDG_CONFIG_HOME: home,
      KISMO_OWNER: OWNER,
      KISMO_PROFILE: 'local',
    });

    // Assess
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ state: 'ready', instanceId, instanceType: 'g4dn.xlarge' });
  });
});
