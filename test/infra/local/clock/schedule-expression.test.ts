import { describe, expect, it } from 'vitest';
import {
  parseScheduleExpression,
  ScheduleExpressionError,
} from '../../../../infra/local/clock/schedule-expression';

const at = (iso: string): Date => new Date(iso);

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The first `count` occurrences after `from`, as ISO strings. */
function occurrences(expression: string, from: string, count: number, timeZone = 'UTC'): string[] {
  const schedule = parseScheduleExpression(expression, { anchor: at(from) });
  const found: string[] = [];
  let cursor = at(from);
  for (let next = schedule.next(cursor, timeZone); next && found.length < count; ) {
    found.push(next.toISOString());
    cursor = next;
    next = schedule.next(cursor, timeZone);
  }
  return found;
}

describe('rate expressions', () => {
  it.each([
    ['rate(1 minute)', 'every minute', ['2025-06-02T10:01:00.000Z', '2025-06-02T10:02:00.000Z']],
    ['rate(5 minutes)', 'every 5 minutes', ['2025-06-02T10:05:00.000Z', '2025-06-02T10:10:00.000Z']],
    ['rate(1 hour)', 'every hour', ['2025-06-02T11:00:00.000Z', '2025-06-02T12:00:00.000Z']],
    ['rate(2 hours)', 'every 2 hours', ['2025-06-02T12:00:00.000Z', '2025-06-02T14:00:00.000Z']],
    ['rate(1 day)', 'every day', ['2025-06-03T10:00:00.000Z', '2025-06-04T10:00:00.000Z']],
    ['rate(3 days)', 'every 3 days', ['2025-06-05T10:00:00.000Z', '2025-06-08T10:00:00.000Z']],
  ])('%s runs %s from its anchor', (expression, describe, expected) => {
    // Prepare
    const anchor = '2025-06-02T10:00:00.000Z';

    // Act
    const schedule = parseScheduleExpression(expression, { anchor: at(anchor) });
    const found = occurrences(expression, anchor, 2);

    // Assess
    expect(schedule.describe).toBe(describe);
    expect(found).toEqual(expected);
  });

  it('counts occurrences from the anchor, whatever the reference', () => {
    // Prepare
    const schedule = parseScheduleExpression('rate(1 hour)', { anchor: at('2025-06-02T10:20:00Z') });

    // Act
    const before = schedule.next(at('2025-06-01T00:00:00Z'));
    const later = schedule.next(at('2025-06-02T13:20:00Z'));
    const previous = schedule.previous(at('2025-06-02T13:19:59Z'));

    // Assess
    expect(before?.toISOString()).toBe('2025-06-02T10:20:00.000Z');
    expect(later?.toISOString()).toBe('2025-06-02T14:20:00.000Z');
    expect(previous?.toISOString()).toBe('2025-06-02T12:20:00.000Z');
  });

  it('keeps a day at 24 hours across a DST change, as AWS does', () => {
    // Prepare
    const anchor = '2025-03-08T14:00:00.000Z';

    // Act
    const found = occurrences('rate(1 day)', anchor, 2, 'America/New_York');

    // Assess
    expect(found).toEqual(['2025-03-09T14:00:00.000Z', '2025-03-10T14:00:00.000Z']);
  });

  it.each([
    ['rate(1 hours)', /singular unit: rate\(1 hour\)/],
    ['rate(5 minute)', /plural unit: rate\(5 minutes\)/],
    ['rate(0 minutes)', /at least 1/],
    ['rate(-1 minutes)', /value unit/],
    ['rate(1.5 hours)', /value unit/],
    ['rate(2 weeks)', /minute\(s\), hour\(s\) or day\(s\)/],
    ['rate(5)', /value unit/],
    ['every 5 minutes', /expected rate\(value unit\) or cron\(fields\)/],
  ])('rejects %s', (expression, message) => {
    // Prepare
    const input = String(expression);

    // Act
    const error = thrown(() => parseScheduleExpression(input));

    // Assess
    expect(error).toBeInstanceOf(ScheduleExpressionError);
    expect(String(error)).toMatch(message);
  });
});

describe('cron expressions', () => {
  it.each([
    ['MON-FRI', 'cron(0 9 ? * MON-FRI *)'],
    ['2-6, as AWS counts from 1 = Sunday', 'cron(0 9 ? * 2-6 *)'],
    ['a list of numbers', 'cron(0 9 ? * 2,3,4,5,6 *)'],
  ])('reads weekdays written as %s as Monday to Friday', (_, expression) => {
    // Prepare: Friday 6 June 2025
    const from = '2025-06-06T00:00:00.000Z';

    // Act
    const found = occurrences(expression, from, 3);

    // Assess
    expect(found).toEqual([
      '2025-06-06T09:00:00.000Z',
      '2025-06-09T09:00:00.000Z',
      '2025-06-10T09:00:00.000Z',
    ]);
  });

  it.each([
    ['1 as Sunday', 'cron(0 9 ? * 1 *)', '2025-06-08T09:00:00.000Z'],
    ['7 as Saturday', 'cron(0 9 ? * 7 *)', '2025-06-07T09:00:00.000Z'],
    ['L alone as Saturday', 'cron(0 9 ? * L *)', '2025-06-07T09:00:00.000Z'],
    ['6L as the last Friday', 'cron(0 9 ? * 6L *)', '2025-06-27T09:00:00.000Z'],
    ['3#2 as the second Tuesday', 'cron(0 9 ? * 3#2 *)', '2025-06-10T09:00:00.000Z'],
    ['L as the last day of the month', 'cron(0 9 L * ? *)', '2025-06-30T09:00:00.000Z'],
    ['14W as the weekday nearest the 14th (a Saturday)', 'cron(0 9 14W * ? *)', '2025-06-13T09:00:00.000Z'],
    ['1/20 in minutes as 1, 21, 41', 'cron(1/20 * * * ? *)', '2025-06-06T00:01:00.000Z'],
    ['month names', 'cron(0 9 1 JAN,JUL ? *)', '2025-07-01T09:00:00.000Z'],
  ])('reads %s', (_, expression, expected) => {
    // Prepare
    const from = at('2025-06-06T00:00:00Z');

    // Act
    const next = parseScheduleExpression(expression).next(from);

    // Assess
    expect(next?.toISOString()).toBe(expected);
  });

  it('returns the next occurrence strictly after the reference', () => {
    // Prepare
    const schedule = parseScheduleExpression('cron(0 9 * * ? *)');

    // Act
    const next = schedule.next(at('2025-06-06T09:00:00Z'));

    // Assess
    expect(next?.toISOString()).toBe('2025-06-07T09:00:00.000Z');
  });

  it('evaluates in Asia/Tokyo, which keeps UTC+9 all year', () => {
    // Prepare
    const expression = 'cron(0 9 * * ? *)';

    // Act
    const winter = occurrences(expression, '2025-01-10T12:00:00Z', 1, 'Asia/Tokyo');
    const summer = occurrences(expression, '2025-07-10T12:00:00Z', 1, 'Asia/Tokyo');

    // Assess
    expect(winter).toEqual(['2025-01-11T00:00:00.000Z']);
    expect(summer).toEqual(['2025-07-11T00:00:00.000Z']);
  });

  it('follows New York into summer time in March', () => {
    // Prepare: clocks go forward on Sunday 9 March 2025
    const from = '2025-03-07T12:00:00Z';

    // Act
    const found = occurrences('cron(0 9 * * ? *)', from, 4, 'America/New_York');

    // Assess
    expect(found).toEqual([
      '2025-03-07T14:00:00.000Z',
      '2025-03-08T14:00:00.000Z',
      '2025-03-09T13:00:00.000Z',
      '2025-03-10T13:00:00.000Z',
    ]);
  });

  it('follows New York back to standard time in November', () => {
    // Prepare: clocks go back on Sunday 2 November 2025
    const from = '2025-10-31T12:00:00Z';

    // Act
    const found = occurrences('cron(0 9 * * ? *)', from, 4, 'America/New_York');

    // Assess
    expect(found).toEqual([
      '2025-10-31T13:00:00.000Z',
      '2025-11-01T13:00:00.000Z',
      '2025-11-02T14:00:00.000Z',
      '2025-11-03T14:00:00.000Z',
    ]);
  });

  it('runs a time skipped by spring-forward once the clock has jumped, as croner does', () => {
    // Prepare: 02:30 does not exist in New York on 9 March 2025 (AWS skips that day instead)
    const from = '2025-03-08T12:00:00Z';

    // Act
    const found = occurrences('cron(30 2 * * ? *)', from, 2, 'America/New_York');

    // Assess
    expect(found).toEqual(['2025-03-09T07:00:00.000Z', '2025-03-10T06:30:00.000Z']);
  });

  it('runs a time repeated by fall-back once, as AWS does', () => {
    // Prepare: 01:30 happens twice in New York on 2 November 2025
    const from = '2025-11-01T12:00:00Z';

    // Act
    const found = occurrences('cron(30 1 * * ? *)', from, 2, 'America/New_York');

    // Assess
    expect(found).toEqual(['2025-11-02T05:30:00.000Z', '2025-11-03T06:30:00.000Z']);
  });

  it.each([
    [
      'a range of years',
      'cron(0 9 1 1 ? 2027-2028)',
      ['2027-01-01T09:00:00.000Z', '2028-01-01T09:00:00.000Z'],
    ],
    ['a single year', 'cron(0 9 ? * MON 2025)', ['2025-12-22T09:00:00.000Z', '2025-12-29T09:00:00.000Z']],
    ['a past year', 'cron(0 9 * * ? 2024)', []],
  ])('honours %s in the year field', (_, expression, expected) => {
    // Prepare
    const from = '2025-12-20T00:00:00Z';

    // Act
    const found = occurrences(expression, from, 5);

    // Assess
    expect(found).toEqual(expected);
  });

  it('finds the latest occurrence at or before a time', () => {
    // Prepare
    const schedule = parseScheduleExpression('cron(0 9 ? * MON-FRI *)');

    // Act
    const exact = schedule.previous(at('2025-06-06T09:00:00Z'));
    const weekend = schedule.previous(at('2025-06-08T12:00:00Z'));

    // Assess
    expect(exact?.toISOString()).toBe('2025-06-06T09:00:00.000Z');
    expect(weekend?.toISOString()).toBe('2025-06-06T09:00:00.000Z');
  });

  it.each([
    ['cron(0 9 * * *)', /6 fields/],
    ['cron(0 9 * * MON *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 9 ? * ? *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 9 ? * 0 *)', /0 is outside 1-7 in day-of-week/],
    ['cron(0 9 ? * 8 *)', /8 is outside 1-7/],
    ['cron(60 9 * * ? *)', /60 is outside 0-59 in minutes/],
    ['cron(0 24 * * ? *)', /outside 0-23 in hours/],
    ['cron(0 9 * * ? 1969)', /outside 1970-2199 in year/],
    ['cron(0 9 ? * MON/2 *)', /"\/" is not allowed in day-of-week/],
    ['cron(0 9 ? * 2#1,6#3 *)', /"#" day-of-week must be the only value/],
    ['cron(0 9 ? * FRI-MON *)', /runs backwards/],
    ['cron(0 9 ? * FOO *)', /"F" is not allowed/],
    ['cron(0 L * * ? *)', /"L" is not allowed in hours/],
    ['cron(0 9 32W * ? *)', /32 is outside 1-31/],
    ['cron(0 9 ? * 2#6 *)', /must be 1-5/],
  ])('rejects %s', (expression, message) => {
    // Prepare
    const input = String(expression);

    // Act
    const error = thrown(() => parseScheduleExpression(input));

    // Assess
    expect(error).toBeInstanceOf(ScheduleExpressionError);
    expect(String(error)).toMatch(message);
  });

  it('rejects an unknown time zone', () => {
    // Prepare
    const schedule = parseScheduleExpression('cron(0 9 * * ? *)');

    // Act
    const act = () => schedule.next(at('2025-06-06T00:00:00Z'), 'Mars/Olympus_Mons');

    // Assess
    expect(act).toThrow(RangeError);
  });
});
