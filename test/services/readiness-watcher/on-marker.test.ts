import { describe, expect, it } from 'vitest';
import {
  failedMarker,
  finishedMarker,
  markerWritten,
  OWNER,
  readyMarker,
  SESSION_ID,
} from '../../factories/kismo-events';
import { watcherSetup } from './watcher-setup';

const OTHER_SESSION = '20261128-160000-zzzzzz';

describe('readiness-watcher on a marker', () => {
  it('turns the ready marker of the session’s instance into Instance Ready', async () => {
    // Prepare
    const w = watcherSetup();
    const instance = await w.launch();
    await w.writeMarker(
      'ready',
      readyMarker({ instanceId: instance.instanceId, bootSeconds: 41, dataSeconds: 7.5 }),
    );

    // Act
    await w.deliver(markerWritten('ready'));

    // Assess
    expect(w.published()).toEqual([
      [
        'Instance Ready',
        {
          version: 1,
          owner: OWNER,
          sessionId: SESSION_ID,
          instanceId: instance.instanceId,
          address: instance.privateIp,
          connect: `aws ssm start-session --target ${instance.instanceId}`,
          bootSeconds: 41,
          dataSeconds: 7.5,
          instanceType: 'p3.2xlarge',
        },
      ],
    ]);
  });

  it('publishes once when the same marker event arrives twice', async () => {
    // Prepare
    const w = watcherSetup();
    const instance = await w.launch();
    await w.writeMarker('ready', readyMarker({ instanceId: instance.instanceId }));

    // Act
    await w.deliver(markerWritten('ready'));
    await w.deliver(markerWritten('ready'));

    // Assess
    expect(w.published().map(([type]) => type)).toEqual(['Instance Ready']);
  });

  it('ignores a marker naming an instance of another session (the owner can write the file)', async () => {
    // Prepare: the owner's other instance, named in this session's marker
    const w = watcherSetup();
    await w.launch();
    const other = await w.launch(OTHER_SESSION);
    await w.writeMarker('ready', readyMarker({ instanceId: other.instanceId }));

    // Act
    await w.deliver(markerWritten('ready'));

    // Assess
    expect(w.published()).toEqual([]);
  });

  it('ignores a marker under one owner’s prefix for an instance another owner owns', async () => {
    // Prepare: mallory writes under her prefix, with the session id and instance of ada's session
    const w = watcherSetup();
    const adas = await w.launch(SESSION_ID, 'ada');
    await w.writeMarker('ready', readyMarker({ instanceId: adas.instanceId }), SESSION_ID, 'mallory');

    // Act
    await w.deliver(markerWritten('ready', 'mallory'));

    // Assess
    expect(w.published()).toEqual([]);
  });

  it('ignores a marker that breaks its schema, or is gone', async () => {
    // Prepare
    const w = watcherSetup();
    await w.launch();
    await w.writeMarker('ready', { instanceId: 'i-0123456789abcdef0', bootSeconds: 'soon' });

    // Act
    await w.deliver(markerWritten('ready'));
    await w.deliver(markerWritten('failed'));

    // Assess
    expect(w.published()).toEqual([]);
  });

  it('turns a failed marker into Instance Boot Failed with the log tail, once per instance', async () => {
    // Prepare
    const w = watcherSetup();
    const instance = await w.launch();
    const log = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    await w.writeMarker(
      'failed',
      failedMarker({ instanceId: instance.instanceId, reason: 'dataset check failed', logTail: log }),
    );

    // Act
    await w.deliver(markerWritten('failed'));
    await w.deliver(markerWritten('failed'));

    // Assess
    const [[type, detail] = []] = w.published();
    expect(w.published()).toHaveLength(1);
    expect(type).toBe('Instance Boot Failed');
    expect(detail).toMatchObject({ reason: 'bootstrap-error', message: 'dataset check failed' });
    expect(String(detail?.logTail).split('\n')).toHaveLength(40);
    expect(String(detail?.logTail)).toMatch(/line 99$/);
  });

  it('turns a finished marker into Work Finished with what the run left', async () => {
    // Prepare
    const w = watcherSetup();
    const instance = await w.launch();
    await w.writeMarker(
      'finished',
      finishedMarker({
        instanceId: instance.instanceId,
        exitCode: 3,
        outputsUploaded: false,
        afterRun: 'keep',
      }),
    );

    // Act
    await w.deliver(markerWritten('finished'));

    // Assess
    expect(w.published()).toEqual([
      [
        'Work Finished',
        expect.objectContaining({
          instanceId: instance.instanceId,
          exitCode: 3,
          seconds: 312,
          outputsUploaded: false,
          afterRun: 'keep',
          outputsPrefix: `users/${OWNER}/sessions/${SESSION_ID}/outputs/`,
        }),
      ],
    ]);
  });
});
