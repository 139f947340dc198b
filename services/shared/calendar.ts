import holidayJp from '@holiday-jp/holiday_jp';
import type { z } from 'zod';
import type { calendarSchema } from '../kit/config';

/** The `calendar` part of the configuration, defaults applied. */
export type CalendarConfig = z.output<typeof calendarSchema>;

/** Business hours as the idle monitor and the restarter see them. */
export interface BusinessCalendar {
  /** A configured weekday that is no public or extra holiday, in the calendar's time zone. */
  isBusinessDay(date: Date): boolean;
  /** On a business day, from `start` (inclusive) to `end` (exclusive), local time. */
  isBusinessTime(date: Date): boolean;
  /** The first business-hours start strictly after `after`. */
  nextBusinessStart(after: Date): Date;
  /** When the business hours `at` falls in end; `undefined` outside business hours. */
  businessHoursEnd(at: Date): Date | undefined;
}

interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** ISO: 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** Minutes since local midnight. */
  readonly minutes: number;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
/** A year of days without one business day means a calendar that never opens. */
const SEARCH_DAYS = 400;

const minutesOf = (hhmm: string): number => {
  const [hours = 0, minutes = 0] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
};

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * The calendar's business hours. Wall-clock times come from `Intl` in the calendar's IANA zone,
 * so a zone with daylight saving time keeps 09:00 at 09:00 across the change; Japanese public
 * holidays come from `@holiday-jp/holiday_jp`, keyed by the local date.
 */
export function businessCalendar(config: CalendarConfig): BusinessCalendar {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: config.timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: 'numeric',
    minute: 'numeric',
  });
  const start = minutesOf(config.start);
  const end = minutesOf(config.end);
  const weekdays = new Set(config.weekdays);
  const extra = new Set(config.extraHolidays);

  const local = (date: Date): LocalTime => {
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(date)) parts[part.type] = part.value;
    return {
      year: Number(parts.year),
      month: Number(parts.month),
      day: Number(parts.day),
      weekday: WEEKDAYS.indexOf(parts.weekday ?? '') + 1,
      minutes: Number(parts.hour) * 60 + Number(parts.minute),
    };
  };

  const isDayOff = (t: LocalTime): boolean => {
    const iso = `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
    return extra.has(iso) || (config.holidays === 'JP' && holidayJp.isHoliday(iso));
  };
  const isBusinessDayLocal = (t: LocalTime): boolean => weekdays.has(t.weekday) && !isDayOff(t);

  /** The instant a local wall-clock time happens; a time skipped by a DST jump moves past the gap. */
  const instantOf = (year: number, month: number, day: number, minutes: number): Date => {
    const wall = Date.UTC(year, month - 1, day, 0, minutes);
    let guess = wall;
    // Two rounds settle the offset: the second corrects a guess that landed across a change.
    for (let i = 0; i < 2; i++) {
      const seen = local(new Date(guess));
      const seenWall = Date.UTC(seen.year, seen.month - 1, seen.day, 0, seen.minutes);
      guess += wall - seenWall;
    }
    return new Date(guess);
  };

  return {
    isBusinessDay: (date) => isBusinessDayLocal(local(date)),
    isBusinessTime(date) {
      const t = local(date);
      return isBusinessDayLocal(t) && t.minutes >= start && t.minutes < end;
    },
    businessHoursEnd(at) {
      const t = local(at);
      if (!isBusinessDayLocal(t) || t.minutes < start || t.minutes >= end) return undefined;
      return instantOf(t.year, t.month, t.day, end);
    },
    nextBusinessStart(after) {
      const today = local(after);
      for (let offset = 0; offset < SEARCH_DAYS; offset++) {
        // Noon UTC of the local date + offset: far from any midnight, so it names that day.
        const noon = new Date(Date.UTC(today.year, today.month - 1, today.day + offset, 12));
        const day = { year: noon.getUTCFullYear(), month: noon.getUTCMonth() + 1, day: noon.getUTCDate() };
        const weekday = ((noon.getUTCDay() + 6) % 7) + 1;
        if (!isBusinessDayLocal({ ...day, weekday, minutes: 0 })) continue;
        const opening = instantOf(day.year, day.month, day.day, start);
        if (opening > after) return opening;
      }
      throw new Error(
        `the calendar has no business day within ${SEARCH_DAYS} days of ${after.toISOString()}`,
      );
    },
  };
}
