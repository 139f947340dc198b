import { afterEach, describe, expect, it, vi } from 'vitest';
import { MovableClock } from '../../../../infra/local/clock/movable-clock';
import type { ScheduledJob } from '../../../../infra/local/clock/scheduler';
import { Scheduler } from '../../../../infra/local/clock/scheduler';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A scheduler on a frozen clock that records each firing and what the clock showed meanwhile. */
function setUp(start = '2025-06-02T09:00:00.000Z') {
  const clock = new MovableClock({ start: new Date(start), frozen: true });
  const fired: { name: string; scheduledTime: string; clock: string }[] = [];
  const fire = async (job: ScheduledJob) => {
    fired.push({
      name: job.name,
      scheduledTime: job.scheduledTime.toISOString(),
      clock: clock.now().toISOString(),
    });
  };
  const scheduler = new Scheduler({ clock, fire });
  return { clock, fired, scheduler };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler', () => {
  it('fires an hourly job three times in order over three hours, with the clock at each occurrence', async () => {
    // Prepare
    const { clock, fired, scheduler } = setUp();
    scheduler.add({ name: 'reading', expression: 'rate(1 hour)' });

    // Act
    const count = await scheduler.advance(3 * HOUR);

    // Assess
    expect(count).toBe(3);
    expect(fired).toEqual(
      ['10', '11', '12'].map((hour) => {
        const time = `2025-06-02T${hour}:00:00.000Z`;
        return { name: 'reading', scheduledTime: time, clock: time };
      }),
    );
    expect(clock.now().toISOString()).toBe('2025-06-02T12:00:00.000Z');
  });

  it('ends an advance at now + ms when the last occurrence is earlier', async () => {
    // Prepare
    const { clock, scheduler } = setUp();
    scheduler.add({ name: 'reading', expression: 'rate(1 hour)' });

    // Act
    await scheduler.advance(90 * MINUTE);

    // Assess
    expect(clock.now().toISOString()).toBe('2025-06-02T10:30:00.000Z');
  });

  it('interleaves two jobs in time order', async () => {
    // Prepare
    const { fired, scheduler } = setUp();
    scheduler.add({ name: 'hourly', expression: 'rate(1 hour)' });
    scheduler.add({ name: 'half-past', expression: 'cron(30 * * * ? *)' });
    scheduler.add({ name: 'every-20', expression: 'rate(20 minutes)' });

    // Act
    await scheduler.advance(HOUR);

    // Assess: at 10:00 both the hourly and the 20-minute job are due; the one added first goes first
    expect(fired.map(({ name, clock }) => `${clock.slice(11, 16)} ${name}`)).toEqual([
      '09:20 every-20',
      '09:30 half-past',
      '09:40 every-20',
      '10:00 hourly',
      '10:00 every-20',
    ]);
  });

  it('settles after each firing, so the next one sees what the previous one changed', async () => {
    // Prepare
    const clock = new MovableClock({ start: new Date('2025-06-02T09:00:00.000Z'), frozen: true });
    const log: string[] = [];
    let pending = 0;
    let applied = 0;
    const fire = async (job: ScheduledJob) => {
      log.push(`fire ${job.scheduledTime.toISOString().slice(11, 16)} sees ${applied}`);
      pending++;
    };
    const settle = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      applied += pending;
      pending = 0;
      log.push('settled');
    };
    const scheduler = new Scheduler({ clock, fire, settle });
    scheduler.add({ name: 'reading', expression: 'rate(1 hour)' });

    // Act
    await scheduler.advance(3 * HOUR);

    // Assess
    expect(log).toEqual([
      'fire 10:00 sees 0',
      'settled',
      'fire 11:00 sees 1',
      'settled',
      'fire 12:00 sees 2',
      'settled',
    ]);
  });

  it('never fires an occurrence twice, even when runs overlap', async () => {
    // Prepare
    const { clock, fired, scheduler } = setUp();
    scheduler.add({ name: 'reading', expression: 'rate(1 hour)' });
    clock.advance(2 * HOUR);

    // Act
    const counts = await Promise.all([scheduler.runDue(), scheduler.runDue(), scheduler.advance(0)]);
    const again = await scheduler.runDue();

    // Assess: the clock stayed put, so both occurrences fired with the clock at 11:00
    expect(counts).toEqual([2, 0, 0]);
    expect(again).toBe(0);
    expect(fired.map((f) => `${f.scheduledTime} @ ${f.clock}`)).toEqual([
      '2025-06-02T10:00:00.000Z @ 2025-06-02T11:00:00.000Z',
      '2025-06-02T11:00:00.000Z @ 2025-06-02T11:00:00.000Z',
    ]);
  });

  it('counts an occurrence whose target failed as fired and throws the error', async () => {
    // Prepare
    const clock = new MovableClock({ start: new Date('2025-06-02T09:00:00.000Z'), frozen: true });
    const fire = vi.fn(async () => {
      throw new Error('target down');
    });
    const scheduler = new Scheduler({ clock, fire });
    scheduler.add({ name: 'reading', expression: 'rate(1 hour)' });
    clock.advance(HOUR);

    // Act
    const first = scheduler.runDue();
    await expect(first).rejects.toThrow('target down');
    const second = await scheduler.runDue();

    // Assess
    expect(second).toBe(0);
    expect(fire).toHaveBeenCalledTimes(1);
    expect(scheduler.lastFired()).toEqual({ reading: '2025-06-02T10:00:00.000Z' });
  });

  it('stops firing a removed job and refuses a duplicate name', async () => {
    // Prepare
    const { fired, scheduler } = setUp();
    scheduler.add({ name: 'reading', expression: 'rate(1 hour)' });
    scheduler.add({ name: 'other', expression: 'rate(1 hour)' });

    // Act
    const removed = scheduler.remove('other');
    const duplicate = () => scheduler.add({ name: 'reading', expression: 'rate(5 minutes)' });
    await scheduler.advance(HOUR);

    // Assess
    expect(removed).toBe(true);
    expect(duplicate).toThrow(/already exists/);
    expect(fired.map((f) => f.name)).toEqual(['reading']);
    expect(scheduler.names()).toEqual(['reading']);
  });

  it('evaluates a cron job in its time zone', async () => {
    // Prepare: 9:00 in New York is 13:00Z in June
    const { fired, scheduler } = setUp('2025-06-06T00:00:00.000Z');
    scheduler.add({ name: 'morning', expression: 'cron(0 9 ? * MON-FRI *)', timeZone: 'America/New_York' });

    // Act
    await scheduler.advance(4 * 24 * HOUR);

    // Assess: Friday, then Monday; not the weekend
    expect(fired.map((f) => f.scheduledTime)).toEqual([
      '2025-06-06T13:00:00.000Z',
      '2025-06-09T13:00:00.000Z',
    ]);
  });

  it('after a restart fires only the latest occurrence missed while down, then keeps the rhythm', async () => {
    // Prepare: fired at 10:00, then down until 15:30
    const before = setUp();
    before.scheduler.add({ name: 'reading', expression: 'rate(1 hour)' });
    await before.scheduler.advance(HOUR);
    const saved = before.scheduler.lastFired();
    const after = setUp('2025-06-02T15:30:00.000Z');
    after.scheduler.add({ name: 'reading', expression: 'rate(1 hour)' });

    // Act
    after.scheduler.restore(saved);
    const missed = await after.scheduler.runDue();
    await after.scheduler.advance(30 * MINUTE);

    // Assess
    expect(saved).toEqual({ reading: '2025-06-02T10:00:00.000Z' });
    expect(missed).toBe(1);
    expect(after.fired.map((f) => f.scheduledTime)).toEqual([
      '2025-06-02T15:00:00.000Z',
      '2025-06-02T16:00:00.000Z',
    ]);
  });

  it('restores a cron job added after the restore, replaying only its latest missed day', async () => {
    // Prepare: last run Monday 09:00, back on Thursday at noon
    const { fired, scheduler } = setUp('2025-06-05T12:00:00.000Z');
    scheduler.restore({ daily: '2025-06-02T09:00:00.000Z' });

    // Act
    scheduler.add({ name: 'daily', expression: 'cron(0 9 * * ? *)' });
    const missed = await scheduler.runDue();

    // Assess
    expect(missed).toBe(1);
    expect(fired.map((f) => f.scheduledTime)).toEqual(['2025-06-05T09:00:00.000Z']);
    expect(scheduler.lastFired()).toEqual({ daily: '2025-06-05T09:00:00.000Z' });
  });

  it('fires nothing on restore when nothing was missed', async () => {
    // Prepare
    const { fired, scheduler } = setUp('2025-06-02T10:30:00.000Z');
    scheduler.add({ name: 'reading', expression: 'rate(1 hour)' });

    // Act
    scheduler.restore({ reading: '2025-06-02T10:00:00.000Z' });
    const missed = await scheduler.runDue();

    // Assess
    expect(missed).toBe(0);
    expect(fired).toEqual([]);
    expect(scheduler.nextOccurrence('reading')?.toISOString()).toBe('2025-06-02T11:00:00.000Z');
  });

  it('runs due occurrences from a timer in real-time mode until stopped', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { clock, fired, scheduler } = setUp();
    scheduler.add({ name: 'reading', expression: 'rate(1 minute)' });
    scheduler.start(1000);

    // Act
    clock.advance(MINUTE);
    await vi.advanceTimersByTimeAsync(1000);
    scheduler.stop();
    clock.advance(MINUTE);
    await vi.advanceTimersByTimeAsync(5000);

    // Assess
    expect(fired.map((f) => f.scheduledTime)).toEqual(['2025-06-02T09:01:00.000Z']);
  });
});
