import { describe, expect, it } from 'vitest';
import { calendarSchema } from '../../../services/kit/config';
import { businessCalendar } from '../../../services/shared/calendar';

const tokyo = businessCalendar(calendarSchema.parse({}));
const newYork = businessCalendar(calendarSchema.parse({ timeZone: 'America/New_York', holidays: 'none' }));
const at = (iso: string) => new Date(iso);

describe('businessCalendar', () => {
  it.each([
    ['Monday 10:00 JST', '2026-11-30T01:00:00Z', true],
    ['Monday 09:00 JST, the first minute', '2026-11-30T00:00:00Z', true],
    ['Monday 08:59 JST', '2026-11-29T23:59:00Z', false],
    ['Monday 18:59 JST', '2026-11-30T09:59:00Z', true],
    ['Monday 19:00 JST, the end is exclusive', '2026-11-30T10:00:00Z', false],
    ['Saturday 11:00 JST', '2026-12-05T02:00:00Z', false],
    ['Labour Thanksgiving Day (Monday 23 November) 11:00 JST', '2026-11-23T02:00:00Z', false],
    ['New Year’s Day 11:00 JST', '2027-01-01T02:00:00Z', false],
  ])('in Tokyo, %s is business time: %s', (_, iso, expected) => {
    // Act
    const inHours = tokyo.isBusinessTime(at(iso));

    // Assess
    expect(inHours).toBe(expected);
  });

  it('reads the date in the calendar’s zone, not UTC: Sunday 23:30 UTC is Monday morning in Tokyo', () => {
    // Act + Assess
    expect(tokyo.isBusinessDay(at('2026-11-29T23:30:00Z'))).toBe(true);
    expect(tokyo.isBusinessDay(at('2026-11-29T14:00:00Z'))).toBe(false);
  });

  it('takes no public holidays with `none`, and the extra days off it is given', () => {
    // Prepare
    const plain = businessCalendar(calendarSchema.parse({ holidays: 'none', extraHolidays: ['2026-12-01'] }));

    // Act + Assess
    expect(plain.isBusinessDay(at('2026-11-23T02:00:00Z'))).toBe(true);
    expect(plain.isBusinessDay(at('2026-12-01T02:00:00Z'))).toBe(false);
  });

  it('follows its configured weekdays and hours', () => {
    // Prepare
    const saturdays = businessCalendar(
      calendarSchema.parse({ weekdays: [6], start: '10:00', end: '14:00', holidays: 'none' }),
    );

    // Act + Assess
    expect(saturdays.isBusinessTime(at('2026-12-05T02:00:00Z'))).toBe(true);
    expect(saturdays.isBusinessTime(at('2026-12-05T05:00:00Z'))).toBe(false);
    expect(saturdays.isBusinessTime(at('2026-11-30T02:00:00Z'))).toBe(false);
  });

  it.each([
    ['a Friday evening → Monday 09:00', '2026-12-04T11:00:00Z', '2026-12-07T00:00:00.000Z'],
    ['Sunday before a Monday holiday → Tuesday 09:00', '2026-11-22T03:00:00Z', '2026-11-24T00:00:00.000Z'],
    ['a business morning before 09:00 → the same day', '2026-11-30T23:00:00Z', '2026-12-01T00:00:00.000Z'],
    ['exactly 09:00 → the next business day', '2026-11-30T00:00:00Z', '2026-12-01T00:00:00.000Z'],
    ['the New Year holidays → 4 January', '2026-12-31T12:00:00Z', '2027-01-04T00:00:00.000Z'],
  ])('in Tokyo, the next business start after %s', (_, after, expected) => {
    // Act
    const next = tokyo.nextBusinessStart(at(after));

    // Assess
    expect(next.toISOString()).toBe(expected);
  });

  it('keeps 09:00 at 09:00 across the spring DST change in New York (EST −5 → EDT −4)', () => {
    // Act + Assess: 13:30 UTC is 08:30 on Friday 6 March (EST) but 09:30 on Monday 9 March (EDT)
    expect(newYork.isBusinessTime(at('2026-03-06T13:30:00Z'))).toBe(false);
    expect(newYork.isBusinessTime(at('2026-03-09T13:30:00Z'))).toBe(true);
    expect(newYork.nextBusinessStart(at('2026-03-06T15:00:00Z')).toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
    expect(newYork.nextBusinessStart(at('2026-03-05T15:00:00Z')).toISOString()).toBe(
      '2026-03-06T14:00:00.000Z',
    );
  });

  it('keeps 09:00 at 09:00 across the autumn DST change in New York (EDT → EST)', () => {
    // Act + Assess: Sunday 1 November 2026 ends DST
    expect(newYork.nextBusinessStart(at('2026-10-30T20:00:00Z')).toISOString()).toBe(
      '2026-11-02T14:00:00.000Z',
    );
    expect(newYork.isBusinessTime(at('2026-11-02T13:30:00Z'))).toBe(false);
    expect(newYork.isBusinessTime(at('2026-10-30T13:30:00Z'))).toBe(true);
  });

  it('says when the business hours a moment falls in end, and nothing outside them', () => {
    // Act + Assess
    expect(tokyo.businessHoursEnd(at('2026-11-30T01:00:00Z'))).toEqual(at('2026-11-30T10:00:00Z'));
    expect(tokyo.businessHoursEnd(at('2026-11-30T10:00:00Z'))).toBeUndefined();
    expect(tokyo.businessHoursEnd(at('2026-12-05T02:00:00Z'))).toBeUndefined();
    expect(newYork.businessHoursEnd(at('2026-07-01T14:00:00Z'))).toEqual(at('2026-07-01T23:00:00Z'));
  });

  it('says so when a calendar never opens, instead of looping', () => {
    // Prepare
    const never = businessCalendar(calendarSchema.parse({ weekdays: [] }));

    // Act + Assess
    expect(() => never.nextBusinessStart(at('2026-11-30T00:00:00Z'))).toThrow(/no business day/);
  });
});
