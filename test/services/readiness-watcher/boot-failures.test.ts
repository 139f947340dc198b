import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SCHEDULER_SOURCE } from '../../../contracts/aws/scheduled-event';
import { envelope } from '../../factories/events';
import { ec2Changed, readyMarker } from '../../factories/kismo-events';
import { watcherSetup } from './watcher-setup';

const tick = (at: Date) =>
  envelope(
    SCHEDULER_SOURCE,
    'Scheduled Event',
    { service: 'readiness-watcher', scheduledTime: at.toISOString() },
    { id: randomUUID() },
  );

describe('readiness-watcher on EC2 state changes', () => {
  it('reports an instance terminated before it was ready, with the console’s tail', async () => {
    // Prepare
    const w = watcherSetup();
    const instance = await w.launch();
    w.ec2.appendConsole(instance.instanceId, 'cloud-init: pulling dataset\nKernel panic');
    await w.ec2.terminate([instance.instanceId]);
    await w.ec2.settled();

    // Act
    await w.deliver(ec2Changed('terminated', instance.instanceId));
    await w.deliver(ec2Changed('terminated', instance.instanceId));

    // Assess
    expect(w.published()).toEqual([
      [
        'Instance Boot Failed',
        expect.objectContaining({
          instanceId: instance.instanceId,
          reason: 'terminated',
          message: 'the instance was terminated before it was ready',
          logTail: expect.stringContaining('Kernel panic'),
        }),
      ],
    ]);
  });

  it('says nothing when the instance had reported ready, or is not kismo’s, or only started', async () => {
    // Prepare
    const w = watcherSetup();
    const ready = await w.launch();
    await w.writeMarker('ready', readyMarker({ instanceId: ready.instanceId }));
    const foreign = await w.ec2.launch({
      clientToken: 'x',
      instanceType: 't3.medium',
      userData: '',
      tags: {},
    });
    await w.ec2.stop([ready.instanceId, foreign.instanceId]);
    await w.ec2.settled();

    // Act
    await w.deliver(ec2Changed('stopped', ready.instanceId));
    await w.deliver(ec2Changed('stopped', foreign.instanceId));
    await w.deliver(ec2Changed('running', ready.instanceId));
    await w.deliver(ec2Changed('terminated', 'i-0000000000000dead'));

    // Assess
    expect(w.published()).toEqual([]);
  });
});

describe('readiness-watcher on its schedule', () => {
  it('reports a boot past the deadline once, with the console’s tail', async () => {
    // Prepare
    const w = watcherSetup();
    const instance = await w.launch();
    w.ec2.appendConsole(instance.instanceId, 'waiting for the dataset…');

    // Act
    w.clock.advance(29 * 60_000);
    await w.deliver(tick(w.clock.now()));
    const beforeDeadline = w.published().length;
    w.clock.advance(2 * 60_000);
    await w.deliver(tick(w.clock.now()));
    w.clock.advance(5 * 60_000);
    await w.deliver(tick(w.clock.now()));

    // Assess
    expect(beforeDeadline).toBe(0);
    expect(w.published()).toEqual([
      [
        'Instance Boot Failed',
        expect.objectContaining({
          instanceId: instance.instanceId,
          reason: 'timeout',
          logTail: expect.stringContaining('waiting for the dataset…'),
        }),
      ],
    ]);
  });

  it('leaves alone a late instance whose bootstrap did report', async () => {
    // Prepare
    const w = watcherSetup();
    const instance = await w.launch();
    await w.writeMarker('ready', readyMarker({ instanceId: instance.instanceId }));

    // Act
    w.clock.advance(3 * 3600_000);
    await w.deliver(tick(w.clock.now()));

    // Assess
    expect(w.published()).toEqual([]);
  });
});
