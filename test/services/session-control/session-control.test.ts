import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestKey } from '../../../contracts/session-request';
import { MovableClock } from '../../../infra/local/clock/movable-clock';
import { SimulatedEc2 } from '../../../infra/local/ec2/simulated-ec2';
import { parseConfig } from '../../../services/kit/config';
import { deliver, HandledError } from '../../../services/kit/deliver';
import { logger } from '../../../services/kit/logger';
import { TAGS } from '../../../services/kit/ports';
import service from '../../../services/session-control/service';
import { keepAliveKey } from '../../../services/shared/keep-alive';
import { objectCreated } from '../../factories/events';
import { OWNER } from '../../factories/kismo-events';
import { sessionLaunch } from '../../factories/launch';
import { all } from '../../support/collect';
import { memoryPorts } from '../../support/memory-ports';

const NOW = '2026-11-30T10:00:00.000Z';
const SESSION = '20261130-010000-ctrl01';

function setup(options: { stopDelayMs?: number } = {}) {
  const clock = new MovableClock({ start: new Date(NOW), frozen: true });
  const ec2 = new SimulatedEc2({ clock, ...options });
  const ports = memoryPorts({ compute: ec2, clock });
  const config = parseConfig({ bucket: 'kismo-test' });
  let n = 0;
  return {
    ec2,
    ports,
    async launch(owner = OWNER, sessionId = SESSION) {
      const instance = await ec2.launch(sessionLaunch({ sessionId, owner, instanceType: 'p3.2xlarge' }));
      await ec2.settled();
      return instance;
    },
    /** Writes a request object as `owner` (the CLI, or anyone with write access to that prefix), and delivers its event. */
    async request(body: unknown, owner = OWNER, sessionId = SESSION, name = `r${++n}`) {
      const key = requestKey(owner, sessionId, name);
      await ports.objects.put(key, JSON.stringify(body));
      await deliver(service, objectCreated(key), { ports, config, logger });
      await ec2.settled();
      return key;
    },
    async instance(instanceId: string) {
      const [found] = await all(ec2.describe({ instanceIds: [instanceId] }));
      return found;
    },
    published: () => ports.published.map((e) => [e.DetailType, JSON.parse(e.Detail)]),
  };
}

describe('session-control', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('stops the owner’s instance, tags it as stopped by its owner, and says so with the price it saves', async () => {
    // Prepare
    const s = setup();
    const { instanceId } = await s.launch();

    // Act
    await s.request({ action: 'stop' });

    // Assess
    const instance = await s.instance(instanceId);
    expect(instance?.state).toBe('stopped');
    expect(instance?.tags).toMatchObject({ [TAGS.stoppedBy]: 'owner', [TAGS.stoppedAt]: NOW });
    expect(s.published()).toEqual([
      [
        'Instance Stopped',
        { owner: OWNER, sessionId: SESSION, instanceId, reason: 'user', hourlyPrice: 3.06, version: 1 },
      ],
    ]);
  });

  it('takes over an instance the idle monitor stopped: the owner’s stop is not undone in the morning', async () => {
    // Prepare
    const s = setup();
    const { instanceId } = await s.launch();
    await s.ec2.tag([instanceId], { [TAGS.stoppedBy]: 'idle-monitor' });
    await s.ec2.stop([instanceId]);
    await s.ec2.settled();

    // Act
    await s.request({ action: 'stop' });

    // Assess
    expect((await s.instance(instanceId))?.tags[TAGS.stoppedBy]).toBe('owner');
    expect(s.published()).toEqual([]);
  });

  it('starts a stopped instance, clears its stopped-by tags, and says so', async () => {
    // Prepare
    const s = setup();
    const { instanceId } = await s.launch();
    await s.request({ action: 'stop' });

    // Act
    await s.request({ action: 'start' });

    // Assess
    const instance = await s.instance(instanceId);
    expect([instance?.state, instance?.tags[TAGS.stoppedBy], instance?.tags[TAGS.stoppedAt]]).toEqual([
      'running',
      '',
      '',
    ]);
    expect(s.published().map(([type, d]) => [type, d.reason])).toEqual([
      ['Instance Stopped', 'user'],
      ['Instance Restarted', 'user'],
    ]);
  });

  it('terminates the instance on down, and forgets its keep-alive', async () => {
    // Prepare
    const s = setup();
    const { instanceId } = await s.launch();
    await s.request({ action: 'keep', until: '2026-11-30T20:00:00Z' });

    // Act
    await s.request({ action: 'down' });

    // Assess
    expect((await s.instance(instanceId))?.state).toBe('terminated');
    expect(s.ports.objects.text(keepAliveKey(instanceId))).toBeUndefined();
    expect(s.published().map(([type, d]) => [type, d.reason ?? d.until])).toEqual([
      ['Instance Kept Alive', '2026-11-30T20:00:00Z'],
      ['Instance Terminated', 'user'],
    ]);
  });

  it('records a keep-alive for the idle monitor, with the request that asked for it', async () => {
    // Prepare
    const s = setup();
    const { instanceId } = await s.launch();

    // Act
    const key = await s.request({ action: 'keep', until: '2026-12-01T09:00:00+09:00' });

    // Assess
    expect(JSON.parse(s.ports.objects.text(keepAliveKey(instanceId)) ?? '{}')).toEqual({
      owner: OWNER,
      sessionId: SESSION,
      instanceId,
      until: '2026-12-01T09:00:00+09:00',
      request: key,
      requestedAt: NOW,
    });
  });

  it('refuses a request for a session that belongs to another owner, logs why, and does nothing', async () => {
    // Prepare: bob writes, under his own prefix, a request naming ada's session
    const s = setup();
    const { instanceId } = await s.launch(OWNER);
    const warn = vi.spyOn(Logger.prototype, 'warn');

    // Act
    const key = await s.request({ action: 'down' }, 'bob');

    // Assess
    expect((await s.instance(instanceId))?.state).toBe('running');
    expect(s.published()).toEqual([]);
    expect(warn).toHaveBeenCalledWith('request refused: nothing done', {
      key,
      reason: `session ${SESSION} belongs to another owner, not to bob`,
    });
  });

  it.each([
    ['an unknown action', { action: 'explode' }, /action/],
    ['a keep without until', { action: 'keep' }, /keep needs the time/],
    ['a keep until a past time', { action: 'keep', until: '2026-11-30T09:00:00Z' }, /already past/],
    ['a keep for a month', { action: 'keep', until: '2026-12-30T09:00:00Z' }, /more than 14 days/],
    ['a stop with until', { action: 'stop', until: '2026-11-30T20:00:00Z' }, /stop takes no until/],
  ])('refuses %s', async (_, body, reason) => {
    // Prepare
    const s = setup();
    const { instanceId } = await s.launch();
    const warn = vi.spyOn(Logger.prototype, 'warn');

    // Act
    await s.request(body);

    // Assess
    expect((await s.instance(instanceId))?.state).toBe('running');
    expect(s.ports.objects.text(keepAliveKey(instanceId))).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(
      'request refused: nothing done',
      expect.objectContaining({ reason: expect.stringMatching(reason) }),
    );
  });

  it('acts once per request, however often its event is delivered', async () => {
    // Prepare
    const s = setup();
    await s.launch();
    const key = await s.request({ action: 'stop' });
    await s.request({ action: 'start' });

    // Act: the stop's event again
    await deliver(service, objectCreated(key), {
      ports: s.ports,
      config: parseConfig({ bucket: 'kismo-test' }),
      logger,
    });
    await s.ec2.settled();

    // Assess
    expect(s.published().map(([type]) => type)).toEqual(['Instance Stopped', 'Instance Restarted']);
  });

  it('comes back later to start an instance that is still stopping', async () => {
    // Prepare
    const s = setup({ stopDelayMs: 200 });
    const { instanceId } = await s.launch();
    await s.ec2.stop([instanceId]);
    const key = requestKey(OWNER, SESSION, 'start-early');
    await s.ports.objects.put(key, JSON.stringify({ action: 'start' }));
    const config = parseConfig({ bucket: 'kismo-test' });

    // Act
    const early = deliver(service, objectCreated(key), { ports: s.ports, config, logger });
    await expect(early).rejects.toBeInstanceOf(HandledError);
    await s.ec2.settled();
    await deliver(service, objectCreated(key), { ports: s.ports, config, logger });
    await s.ec2.settled();

    // Assess
    expect((await s.instance(instanceId))?.state).toBe('running');
    expect(s.published().map(([type]) => type)).toEqual(['Instance Restarted']);
  });
});
