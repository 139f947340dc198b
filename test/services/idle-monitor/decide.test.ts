import { describe, expect, it } from 'vitest';
import {
  type Decision,
  decide,
  type InstanceState,
  type Policy,
} from '../../../services/idle-monitor/decide';
import type { IdleState } from '../../../services/idle-monitor/idle-state';
import { coversWindow, type WindowReading } from '../../../services/idle-monitor/window-reading';
import { calendarSchema } from '../../../services/kit/config';
import { businessCalendar } from '../../../services/shared/calendar';

const tokyo: Policy = { calendar: businessCalendar(calendarSchema.parse({})) };
const newYork: Policy = {
  calendar: businessCalendar(calendarSchema.parse({ timeZone: 'America/New_York', holidays: 'none' })),
};

// Readings: the window's peak Activity, the busiest signal over its idle threshold.
const IDLE: WindowReading = { kind: 'measured', activity: 0.3 };
const GPU_BUSY: WindowReading = { kind: 'measured', activity: 17 };
const AT_THRESHOLD: WindowReading = { kind: 'measured', activity: 1 };
const JUST_UNDER: WindowReading = { kind: 'measured', activity: 0.99 };
const MISSING: WindowReading = { kind: 'missing' };
const WARMING_UP: WindowReading = { kind: 'warming-up' };

// Times (Asia/Tokyo is UTC+9).
const MON_1100 = '2026-11-30T02:00:00Z';
const MON_1200 = '2026-11-30T03:00:00Z';
const MON_1900 = '2026-11-30T10:00:00Z';
const MON_2000 = '2026-11-30T11:00:00Z';
const MON_2100 = '2026-11-30T12:00:00Z';
const SAT_1100 = '2026-12-05T02:00:00Z';
const HOLIDAY_1100 = '2026-11-23T02:00:00Z';

const FRESH: IdleState = { strikes: 0 };
const state = (idle: IdleState = FRESH, keepAliveUntil?: string): InstanceState => ({ idle, keepAliveUntil });

/** The action as a short word: `mention`, `warn 1`, `stop`, `report-missing`, `none`. */
const summary = (d: Decision): string =>
  d.action.kind === 'warn' ? `warn ${d.action.strike}` : d.action.kind;

/** Runs readings hour after hour, carrying the state, as the hourly sweeps do. */
function hours(
  policy: Policy,
  steps: readonly (readonly [string, WindowReading])[],
  start: IdleState = FRESH,
) {
  let idle = start;
  return steps.map(([at, reading]) => {
    const decision = decide(reading, new Date(at), state(idle), policy);
    idle = decision.next;
    return decision;
  });
}

describe('the idle decision table', () => {
  it.each([
    // reading × time × state → action
    ['idle, business hours, fresh', IDLE, MON_1100, state(), 'mention'],
    [
      'idle, business hours, already mentioned',
      IDLE,
      MON_1200,
      state({ strikes: 0, mentionedAt: MON_1100 }),
      'none',
    ],
    ['idle, evening, fresh', IDLE, MON_1900, state(), 'warn 1'],
    ['idle, evening, one strike', IDLE, MON_2000, state({ strikes: 1 }), 'stop'],
    ['idle, Saturday 11:00 (weekend is off hours)', IDLE, SAT_1100, state(), 'warn 1'],
    ['idle, a public holiday at 11:00 (off hours)', IDLE, HOLIDAY_1100, state({ strikes: 1 }), 'stop'],
    ['GPU busy (Activity 17), evening, one strike', GPU_BUSY, MON_2000, state({ strikes: 1 }), 'none'],
    [
      'a signal exactly at its threshold (Activity 1), evening, one strike',
      AT_THRESHOLD,
      MON_2000,
      state({ strikes: 1 }),
      'none',
    ],
    [
      'every signal just under its threshold (Activity 0.99), evening, one strike',
      JUST_UNDER,
      MON_2000,
      state({ strikes: 1 }),
      'stop',
    ],
    ['a signal exactly at its threshold, business hours', AT_THRESHOLD, MON_1100, state(), 'none'],
    ['Activity 0.99, business hours', JUST_UNDER, MON_1100, state(), 'mention'],
    ['missing data, evening, one strike', MISSING, MON_2000, state({ strikes: 1 }), 'report-missing'],
    [
      'missing data, already reported',
      MISSING,
      MON_2100,
      state({ strikes: 0, missingSince: MON_2000 }),
      'none',
    ],
    ['warming up, evening', WARMING_UP, MON_2000, state({ strikes: 1 }), 'none'],
    [
      'idle, evening, kept alive until tomorrow',
      IDLE,
      MON_2000,
      state({ strikes: 1 }, '2026-12-01T00:00:00Z'),
      'none',
    ],
    ['idle, evening, keep-alive expired', IDLE, MON_2000, state({ strikes: 1 }, MON_1900), 'stop'],
  ] as const)('%s → %s', (_, reading, at, instanceState, expected) => {
    // Act
    const decision = decide(reading, new Date(at), instanceState, tokyo);

    // Assess
    expect(summary(decision)).toBe(expected);
  });

  it('mentions an idle instance in business hours once per idle stretch, and again after it was used', () => {
    // Act
    const decisions = hours(tokyo, [
      [MON_1100, IDLE],
      [MON_1200, IDLE],
      ['2026-11-30T04:00:00Z', GPU_BUSY],
      ['2026-11-30T05:00:00Z', IDLE],
    ]);

    // Assess
    expect(decisions.map(summary)).toEqual(['mention', 'none', 'none', 'mention']);
    expect(decisions[0]?.action).toEqual({ kind: 'mention', activity: 0.3 });
  });

  it('strikes an idle instance at night, then stops it at the second idle reading in a row', () => {
    // Act
    const decisions = hours(tokyo, [
      [MON_1900, IDLE],
      [MON_2000, IDLE],
    ]);

    // Assess
    expect(decisions.map(summary)).toEqual(['warn 1', 'stop']);
    expect(decisions[1]?.next).toEqual({ strikes: 0, stoppedSince: new Date(MON_2000).toISOString() });
  });

  it('clears the strikes when an active reading comes between two idle ones, and says so', () => {
    // Act
    const decisions = hours(tokyo, [
      [MON_1900, IDLE],
      [MON_2000, GPU_BUSY],
      [MON_2100, IDLE],
    ]);

    // Assess
    expect(decisions.map(summary)).toEqual(['warn 1', 'none', 'warn 1']);
    expect(decisions[1]?.cleared).toEqual({ strikes: 1, reason: 'active' });
    expect(decisions[1]?.next.strikes).toBe(0);
  });

  it('never stops on missing data: it alerts the operators once per stretch and restarts the count', () => {
    // Act
    const decisions = hours(tokyo, [
      [MON_1900, IDLE],
      [MON_2000, MISSING],
      [MON_2100, MISSING],
      ['2026-11-30T13:00:00Z', IDLE],
      ['2026-11-30T14:00:00Z', MISSING],
    ]);

    // Assess
    expect(decisions.map(summary)).toEqual(['warn 1', 'report-missing', 'none', 'warn 1', 'report-missing']);
    expect(decisions[1]?.action).toEqual({ kind: 'report-missing' });
    expect(decisions[1]?.cleared).toEqual({ strikes: 1, reason: 'missing-data' });
  });

  it('honours a keep-alive until it expires, then counts strikes afresh', () => {
    // Prepare
    const until = '2026-11-30T11:30:00Z';
    const kept = decide(IDLE, new Date(MON_2000), state({ strikes: 1 }, until), tokyo);

    // Act
    const after = decide(IDLE, new Date(MON_2100), state(kept.next, until), tokyo);

    // Assess
    expect(summary(kept)).toBe('none');
    expect(kept.cleared).toEqual({ strikes: 1, reason: 'kept-alive' });
    expect(summary(after)).toBe('warn 1');
  });

  it('mentions again on a new business day after a night kept alive', () => {
    // Act
    const decisions = hours(tokyo, [
      [MON_1100, IDLE],
      [MON_2000, IDLE],
      ['2026-12-01T01:00:00Z', IDLE],
    ]);

    // Assess
    expect(decisions.map(summary)).toEqual(['mention', 'warn 1', 'mention']);
    expect(decisions[2]?.next.strikes).toBe(0);
  });

  it('judges business hours in the calendar’s zone across the DST change (New York)', () => {
    // Act: 13:30 UTC is 08:30 EST on Friday 6 March, 09:30 EDT on Monday 9 March 2026
    const friday = decide(IDLE, new Date('2026-03-06T13:30:00Z'), state(), newYork);
    const monday = decide(IDLE, new Date('2026-03-09T13:30:00Z'), state(), newYork);

    // Assess
    expect(summary(friday)).toBe('warn 1');
    expect(summary(monday)).toBe('mention');
  });
});

describe('which windows the table judges: at most one of the twelve five-minute points missing', () => {
  const window = { start: new Date('2026-11-30T10:00:00Z'), end: new Date(MON_2000), periodSeconds: 300 };
  const points = (minutes: readonly number[]) =>
    minutes.map((m) => new Date(window.start.getTime() + m * 60_000));
  const ALL = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55];

  it.each([
    ['all 12 points idle', ALL, 'stop'],
    ['11 of 12 (one lost put)', ALL.filter((m) => m !== 30), 'stop'],
    ['10 of 12 (two lost, apart)', ALL.filter((m) => m !== 10 && m !== 40), 'report-missing'],
    ['6 of 12 (every other one: half an hour of silence)', ALL.filter((m) => m % 10 === 0), 'report-missing'],
  ])('idle readings in %s, evening, one strike → %s', (_, minutes, expected) => {
    // Prepare
    const reading = coversWindow(points(minutes), window) ? IDLE : MISSING;

    // Act
    const decision = decide(reading, new Date(MON_2000), state({ strikes: 1 }), tokyo);

    // Assess
    expect(summary(decision)).toBe(expected);
  });
});
