import { describe, expect, it } from 'vitest';
import { MovableClock } from '../../../../infra/local/clock/movable-clock';

const START = new Date('2025-06-02T09:00:00.000Z');

/** Real elapsed time that the test moves by hand. */
function fakeElapsed(): { elapsed: () => number; pass: (ms: number) => void } {
  let ms = 0;
  return { elapsed: () => ms, pass: (delta) => (ms += delta) };
}

describe('MovableClock', () => {
  it('flows with real time from its start', () => {
    // Prepare
    const real = fakeElapsed();
    const clock = new MovableClock({ start: START, elapsed: real.elapsed });

    // Act
    real.pass(1500);

    // Assess
    expect(clock.now().toISOString()).toBe('2025-06-02T09:00:01.500Z');
    expect(clock.frozen).toBe(false);
  });

  it('starts at the wall clock by default', () => {
    // Prepare
    const before = Date.now();

    // Act
    const clock = new MovableClock();

    // Assess
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(before);
    expect(clock.now().getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('stands still while frozen and moves only when told', () => {
    // Prepare
    const real = fakeElapsed();
    const clock = new MovableClock({ start: START, frozen: true, elapsed: real.elapsed });

    // Act
    real.pass(60_000);
    const still = clock.now().toISOString();
    clock.advance(3_600_000);

    // Assess
    expect(still).toBe('2025-06-02T09:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2025-06-02T10:00:00.000Z');
  });

  it('keeps flowing from a time it was set to', () => {
    // Prepare
    const real = fakeElapsed();
    const clock = new MovableClock({ start: START, elapsed: real.elapsed });
    real.pass(5000);

    // Act
    clock.set(new Date('2025-12-24T18:00:00.000Z'));
    real.pass(2000);

    // Assess
    expect(clock.now().toISOString()).toBe('2025-12-24T18:00:02.000Z');
  });

  it('freezes where it stands and resumes from there', () => {
    // Prepare
    const real = fakeElapsed();
    const clock = new MovableClock({ start: START, elapsed: real.elapsed });
    real.pass(1000);

    // Act
    clock.freeze();
    real.pass(10_000);
    const frozen = clock.now().toISOString();
    clock.resume();
    real.pass(500);

    // Assess
    expect(frozen).toBe('2025-06-02T09:00:01.000Z');
    expect(clock.now().toISOString()).toBe('2025-06-02T09:00:01.500Z');
  });

  it('tells listeners after set and advance, until they stop listening', () => {
    // Prepare
    const clock = new MovableClock({ start: START, frozen: true });
    const heard: string[] = [];
    const stop = clock.onChange((now) => heard.push(now.toISOString()));

    // Act
    clock.advance(60_000);
    clock.set(new Date('2025-06-01T00:00:00.000Z'));
    clock.freeze();
    stop();
    clock.advance(1);

    // Assess
    expect(heard).toEqual(['2025-06-02T09:01:00.000Z', '2025-06-01T00:00:00.000Z']);
  });

  it('refuses to advance backwards or to an invalid date', () => {
    // Prepare
    const clock = new MovableClock({ start: START, frozen: true });

    // Act
    const back = () => clock.advance(-1);
    const invalid = () => clock.set(new Date('not a date'));

    // Assess
    expect(back).toThrow(RangeError);
    expect(invalid).toThrow(RangeError);
    expect(clock.now()).toEqual(START);
  });
});
