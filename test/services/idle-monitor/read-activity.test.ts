import { describe, expect, it } from 'vitest';
import { type ActivityPoint, activityKey } from '../../../contracts/activity-hour';
import { readActivity } from '../../../services/idle-monitor/read-activity';
import { coversWindow } from '../../../services/idle-monitor/window-reading';
import { isActive } from '../../../services/shared/activity';
import { MemoryObjects } from '../../support/memory-ports';

const start = new Date('2026-11-30T10:00:00Z');
const minute = (n: number) => new Date(start.getTime() + n * 60_000);
const window = { start, end: minute(60), periodSeconds: 300 };

/** Readings every five minutes in [from, to) minutes after 10:00, `activity(m)` at minute m. */
function every5(activity: (m: number) => number | undefined, from = 0, to = 60): ActivityPoint[] {
  const points: ActivityPoint[] = [];
  for (let m = from; m < to; m += 5) {
    const value = activity(m);
    points.push({ at: minute(m).toISOString(), ...(value === undefined ? {} : { activity: value }) });
  }
  return points;
}

/** The hour object the instance's reporter writes for 10:00–11:00 (or `hour`), under `owner`. */
async function writeHour(
  objects: MemoryObjects,
  instanceId: string,
  points: ActivityPoint[],
  { owner = 'ada', hour = start, as = instanceId }: { owner?: string; hour?: Date; as?: string } = {},
): Promise<void> {
  await objects.put(
    activityKey(owner, instanceId, hour),
    JSON.stringify({ instanceId: as, hour: hour.toISOString(), points }),
  );
}

const subjects = (...ids: string[]) => ids.map((instanceId) => ({ owner: 'ada', instanceId }));

describe('readActivity', () => {
  it('reads one object per instance and hour, and takes the peak of the window', async () => {
    // Prepare
    const objects = new MemoryObjects();
    await writeHour(
      objects,
      'i-0aaaaaa1',
      every5((m) => (m === 25 ? 1 : 0.2)),
    );
    await writeHour(
      objects,
      'i-0aaaaaa2',
      every5(() => 0.99),
    );
    await writeHour(
      objects,
      'i-0aaaaaa3',
      every5((m) => 10 + m),
    );
    const keys: string[] = [];
    const get = objects.get.bind(objects);
    objects.get = async (key: string) => {
      keys.push(key);
      return get(key);
    };

    // Act
    const readings = await readActivity(
      objects,
      subjects('i-0aaaaaa1', 'i-0aaaaaa2', 'i-0aaaaaa3', 'i-0aaaaaa1'),
      window,
    );

    // Assess
    expect(keys.sort()).toEqual([
      'kismo/activity/ada/i-0aaaaaa1/2026-11-30T10.json',
      'kismo/activity/ada/i-0aaaaaa2/2026-11-30T10.json',
      'kismo/activity/ada/i-0aaaaaa3/2026-11-30T10.json',
    ]);
    expect(Object.fromEntries(readings)).toEqual({
      'i-0aaaaaa1': { kind: 'measured', activity: 1 },
      'i-0aaaaaa2': { kind: 'measured', activity: 0.99 },
      'i-0aaaaaa3': { kind: 'measured', activity: 65 },
    });
  });

  it('takes a peak of exactly 1 for in use, and 0.99 for idle', async () => {
    // Prepare
    const objects = new MemoryObjects();
    await writeHour(
      objects,
      'i-0aaaaaa7',
      every5(() => 1),
    );
    await writeHour(
      objects,
      'i-0aaaaaa8',
      every5(() => 0.99),
    );

    // Act
    const readings = await readActivity(objects, subjects('i-0aaaaaa7', 'i-0aaaaaa8'), window);

    // Assess
    const active = [...readings].map(([id, r]) => [id, r.kind === 'measured' && isActive(r.activity)]);
    expect(active).toEqual([
      ['i-0aaaaaa7', true],
      ['i-0aaaaaa8', false],
    ]);
  });

  it('reads a two-hour window from both hours, and misses it when one hour is not written', async () => {
    // Prepare
    const objects = new MemoryObjects();
    const before = new Date(start.getTime() - 3_600_000);
    const earlier = every5(() => 0.3).map((p) => ({
      ...p,
      at: new Date(Date.parse(p.at) - 3_600_000).toISOString(),
    }));
    await writeHour(objects, 'i-0bbbbbb1', earlier, { hour: before });
    await writeHour(
      objects,
      'i-0bbbbbb1',
      every5(() => 0.5),
    );
    await writeHour(
      objects,
      'i-0bbbbbb2',
      every5(() => 0.5),
    );
    const twoHours = { ...window, start: before };

    // Act
    const readings = await readActivity(objects, subjects('i-0bbbbbb1', 'i-0bbbbbb2'), twoHours);

    // Assess
    expect(Object.fromEntries(readings)).toEqual({
      'i-0bbbbbb1': { kind: 'measured', activity: 0.5 },
      'i-0bbbbbb2': { kind: 'missing' },
    });
  });

  it('takes a window with a gap, with readings for only part of it, or without Activity for missing data', async () => {
    // Prepare: i-0c3 measured the signals but could not say Activity (one signal unmeasured)
    const objects = new MemoryObjects();
    await writeHour(
      objects,
      'i-0cccccc1',
      every5(() => 0.1, 20, 60),
    );
    await writeHour(objects, 'i-0cccccc2', [...every5(() => 0.1, 0, 20), ...every5(() => 0.1, 35, 60)]);
    await writeHour(
      objects,
      'i-0cccccc3',
      every5(() => undefined),
    );

    // Act
    const readings = await readActivity(
      objects,
      subjects('i-0cccccc1', 'i-0cccccc2', 'i-0cccccc3', 'i-0cccccc4'),
      window,
    );

    // Assess
    expect(Object.fromEntries(readings)).toEqual({
      'i-0cccccc1': { kind: 'missing' },
      'i-0cccccc2': { kind: 'missing' },
      'i-0cccccc3': { kind: 'missing' },
      'i-0cccccc4': { kind: 'missing' },
    });
  });

  it('never takes idle readings it cannot trust: another owner’s folder, another instance’s object, not JSON, readings outside the hour', async () => {
    // Prepare: all idle, all for ada's i-0d1..i-0d4
    const objects = new MemoryObjects();
    await writeHour(
      objects,
      'i-0dddddd1',
      every5(() => 0),
      { owner: 'bob' },
    );
    await writeHour(
      objects,
      'i-0dddddd2',
      every5(() => 0),
      { as: 'i-0dddddd9' },
    );
    await objects.put(activityKey('ada', 'i-0dddddd3', start), '{"instanceId":"i-0d3","hour":');
    const nextHour = every5(() => 0).map((p) => ({
      ...p,
      at: new Date(Date.parse(p.at) + 3_600_000).toISOString(),
    }));
    await writeHour(objects, 'i-0dddddd4', nextHour);

    // Act
    const readings = await readActivity(
      objects,
      subjects('i-0dddddd1', 'i-0dddddd2', 'i-0dddddd3', 'i-0dddddd4'),
      window,
    );

    // Assess
    expect([...readings.values()]).toEqual([
      { kind: 'missing' },
      { kind: 'missing' },
      { kind: 'missing' },
      { kind: 'missing' },
    ]);
  });

  it.each([
    ['every period', [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55], true],
    [
      'the first period empty (the reporter ticks just after the window opens)',
      [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55],
      true,
    ],
    ['one lost put in the middle', [0, 5, 10, 15, 20, 30, 35, 40, 45, 50, 55], true],
    ['two lost puts in a row', [0, 5, 10, 15, 20, 35, 40, 45, 50, 55], false],
    ['the last quarter of an hour missing', [0, 5, 10, 15, 20, 25, 30, 35, 40], false],
    ['nothing', [], false],
    ['every other period (half an hour of silence in all)', [0, 10, 20, 30, 40, 50], false],
    ['two lost puts apart', [0, 5, 15, 20, 25, 30, 35, 45, 50, 55], false],
    ['one lost put and the last one late', [0, 5, 10, 15, 25, 30, 35, 40, 45, 50], false],
  ])('a window with datapoints in %s is covered: %s', (_, minutes, expected) => {
    // Act
    const covered = coversWindow(minutes.map(minute), window);

    // Assess
    expect(covered).toBe(expected);
  });
});
