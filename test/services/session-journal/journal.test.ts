import { describe, expect, it } from 'vitest';
import {
  costEstimated,
  instanceBootFailed,
  instanceIdle,
  instanceLaunched,
  instanceReady,
  instanceRestarted,
  instanceStopped,
  instanceTerminated,
  launchFailed,
  workFinished,
} from '../../../contracts/catalog';
import { sessionKey } from '../../../contracts/manifest';
import { TAGS } from '../../../services/kit/ports';
import {
  bootFailed,
  costed,
  failedLaunch,
  finished,
  idle,
  kismoEnvelope,
  launched,
  OWNER,
  ready,
  restarted,
  SESSION_ID,
  stopped,
  terminated,
} from '../../factories/kismo-events';
import { journalSetup } from './journal-setup';

const at = (minutes: number) => ({
  time: new Date(Date.UTC(2026, 10, 30, 1, minutes)).toISOString().replace('.000', ''),
});

describe('session-journal', () => {
  it('follows a session through its life, with a line per event', async () => {
    // Prepare
    const j = journalSetup();
    const steps = [
      kismoEnvelope(instanceLaunched, launched(), at(0)),
      kismoEnvelope(instanceReady, ready({ sandbox: '/tmp/sandbox' }), at(2)),
      kismoEnvelope(costEstimated, costed(), at(3)),
      kismoEnvelope(
        instanceIdle,
        idle({ sessionId: SESSION_ID, strike: 1, action: 'will-stop', businessHours: false }),
        at(60),
      ),
      kismoEnvelope(instanceStopped, stopped({ sessionId: SESSION_ID }), at(120)),
      kismoEnvelope(instanceRestarted, restarted({ sessionId: SESSION_ID }), at(480)),
      kismoEnvelope(workFinished, finished({ exitCode: 2 }), at(500)),
      kismoEnvelope(
        instanceTerminated,
        terminated({ sessionId: SESSION_ID, reason: 'work-finished' }),
        at(501),
      ),
    ];

    // Act
    const states: string[] = [];
    for (const step of steps) {
      await j.deliver(step);
      states.push(j.status()?.state ?? 'none');
    }

    // Assess
    expect(states).toEqual([
      'launching',
      'ready',
      'ready',
      'ready',
      'stopped',
      'ready',
      'finished',
      'terminated',
    ]);
    expect(j.status()).toMatchObject({
      owner: OWNER,
      sessionId: SESSION_ID,
      instanceId: 'i-0abc12345def67890',
      instanceType: 'p3.2xlarge',
      availabilityZone: 'us-east-1a',
      address: '10.0.1.17',
      connect: 'aws ssm start-session --target i-0abc12345def67890',
      sandbox: '/tmp/sandbox',
      hourlyPrice: 3.06,
      exitCode: 2,
      idleStrikes: 0,
      reason: 'terminated (work-finished)',
      launchedAt: '2026-11-30T01:00:00Z',
      readyAt: '2026-11-30T01:02:00Z',
    });
    expect(j.status()?.timeline.map((e) => e.summary)).toEqual([
      'launched p3.2xlarge i-0abc12345def67890 in us-east-1a',
      'ready at 10.0.1.17 after 74 s boot, 12.5 s data',
      'costs $3.06/h, $6.12 so far (estimate)',
      'idle (busiest signal at 30% of its threshold): strike 1, will stop',
      'stopped (idle)',
      'started again (business-hours)',
      'work finished with exit code 2 after 5 min',
      'terminated (work-finished)',
    ]);
  });

  it('does not move a session backwards when events arrive late', async () => {
    // Prepare
    const j = journalSetup();

    // Act: Ready before Launched; a Stopped from 09:00 after the Restarted of 10:00
    await j.deliver(kismoEnvelope(instanceReady, ready(), at(5)));
    await j.deliver(kismoEnvelope(instanceLaunched, launched(), at(0)));
    const afterLateLaunch = j.status();
    await j.deliver(kismoEnvelope(instanceRestarted, restarted({ sessionId: SESSION_ID }), at(600)));
    await j.deliver(kismoEnvelope(instanceStopped, stopped({ sessionId: SESSION_ID }), at(540)));

    // Assess
    expect(afterLateLaunch).toMatchObject({
      state: 'ready',
      instanceType: 'p3.2xlarge',
      dataset: { files: 3 },
    });
    expect(j.status()?.state).toBe('ready');
    expect(j.status()?.reason).toBeUndefined();
    expect(j.status()?.timeline.map((e) => e.detailType)).toEqual([
      'Instance Launched',
      'Instance Ready',
      'Instance Stopped',
      'Instance Restarted',
    ]);
  });

  it('keeps terminated and finished sessions where they are', async () => {
    // Prepare
    const j = journalSetup();
    const other = '20261130-010000-second';

    // Act
    await j.deliver(kismoEnvelope(instanceTerminated, terminated({ sessionId: SESSION_ID }), at(1)));
    await j.deliver(kismoEnvelope(instanceReady, ready(), at(2)));
    await j.deliver(kismoEnvelope(workFinished, finished({ sessionId: other }), at(3)));
    await j.deliver(kismoEnvelope(instanceReady, ready({ sessionId: other }), at(4)));

    // Assess
    expect(j.status()?.state).toBe('terminated');
    expect(j.status(other)?.state).toBe('finished');
  });

  it('records failures with their reason', async () => {
    // Prepare
    const j = journalSetup();
    const other = '20261130-010000-second';

    // Act
    await j.deliver(kismoEnvelope(launchFailed, failedLaunch()));
    await j.deliver(
      kismoEnvelope(
        instanceBootFailed,
        bootFailed({ sessionId: other, reason: 'timeout', message: 'not ready after 30 min' }),
      ),
    );

    // Assess
    expect(j.status()).toMatchObject({
      state: 'failed',
      reason: 'you already run 2 instances: take one down with kismo down',
    });
    expect(j.status(other)).toMatchObject({
      state: 'failed',
      reason: 'boot failed (timeout): not ready after 30 min',
    });
  });

  it('records an event once, whether delivered twice or published again', async () => {
    // Prepare
    const j = journalSetup();
    const event = kismoEnvelope(instanceReady, ready());

    // Act
    await j.deliver(event);
    await j.deliver(event);
    await j.deliver(kismoEnvelope(instanceReady, ready()));
    const idleEvent = kismoEnvelope(instanceIdle, idle({ sessionId: SESSION_ID }));
    await j.deliver(idleEvent);
    await j.deliver(idleEvent);

    // Assess
    expect(j.status()?.timeline.map((e) => e.detailType)).toEqual(['Instance Ready', 'Instance Idle']);
  });

  it('finds the session of an instance-only event from the instance’s kismo:session tag', async () => {
    // Prepare
    const j = journalSetup();
    const instance = await j.ec2.launch({
      clientToken: SESSION_ID,
      instanceType: 'p3.2xlarge',
      userData: '',
      tags: { [TAGS.managed]: 'true', [TAGS.owner]: OWNER, [TAGS.session]: SESSION_ID },
    });
    const untagged = await j.ec2.launch({
      clientToken: 'x',
      instanceType: 't3.medium',
      userData: '',
      tags: {},
    });

    // Act
    await j.deliver(
      kismoEnvelope(instanceStopped, stopped({ instanceId: instance.instanceId, reason: 'user' })),
    );
    await j.deliver(kismoEnvelope(instanceStopped, stopped({ instanceId: untagged.instanceId })));

    // Assess
    expect(j.status()).toMatchObject({ state: 'stopped', reason: 'stopped (user)' });
    expect([...j.ports.objects.store.keys()].filter((k) => k.endsWith('status.json'))).toHaveLength(1);
  });

  it('starts again from the next event when status.json was overwritten with something unreadable', async () => {
    // Prepare
    const j = journalSetup();
    await j.ports.objects.put(sessionKey(OWNER, SESSION_ID, 'status.json'), '{"state":"hacked"');

    // Act
    await j.deliver(kismoEnvelope(instanceReady, ready()));

    // Assess
    expect(j.status()).toMatchObject({ state: 'ready', timeline: [{ detailType: 'Instance Ready' }] });
  });
});
