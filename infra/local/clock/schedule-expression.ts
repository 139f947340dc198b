// EventBridge Scheduler's `rate(...)` and `cron(...)` expressions, checked with the rules AWS applies
// at CreateSchedule, so a schedule that runs locally is also one AWS accepts. Cron evaluation is
// croner's; this file only translates AWS's dialect (6 fields, 1 = Sunday, `?`) into croner's.
//
// Daylight saving time, as croner does it (fixed-time jobs: a single minute and hour):
// - a wall time that occurs twice (November in New York) runs once, at its first occurrence, as AWS;
// - a wall time skipped by spring-forward runs when the clock has jumped, at the first valid time
//   (`cron(30 2 * * ? *)` in New York runs at 03:00 EDT that day). AWS skips that invocation instead.
// Jobs with ranges, lists or steps in minute or hour skip times in the gap and run on both passes
// of a repeated hour.
import { Cron } from 'croner';

/** A parsed schedule expression: its occurrences, and a short human description. */
export interface ScheduleExpression {
  readonly kind: 'rate' | 'cron';
  readonly describe: string;
  /** The first occurrence strictly after `after`, or undefined when there is none (a past year). */
  next(after: Date, timeZone?: string): Date | undefined;
  /** The last occurrence at or before `atOrBefore`, or undefined when there is none. */
  previous(atOrBefore: Date, timeZone?: string): Date | undefined;
}

/** Options of {@link parseScheduleExpression}. */
export interface ParseOptions {
  /** When a rate schedule starts: occurrences are anchor + k·interval (k ≥ 0). @default the epoch */
  readonly anchor?: Date;
}

/** Thrown for an expression that EventBridge Scheduler would refuse. */
export class ScheduleExpressionError extends Error {
  constructor(expression: string, reason: string) {
    super(`Invalid schedule expression "${expression}": ${reason}`);
    this.name = 'ScheduleExpressionError';
  }
}

/** Parses `rate(value unit)` or `cron(min hour day-of-month month day-of-week year)`; throws if invalid. */
export function parseScheduleExpression(expression: string, options: ParseOptions = {}): ScheduleExpression {
  const match = /^(rate|cron)\((.*)\)$/.exec(expression.trim());
  const fail = (reason: string): never => {
    throw new ScheduleExpressionError(expression, reason);
  };
  if (!match) return fail('expected rate(value unit) or cron(fields)');
  const body = (match[2] ?? '').trim();
  return match[1] === 'rate'
    ? parseRate(body, options.anchor ?? new Date(0), fail)
    : parseCron(body, expression, fail);
}

/** Throws a RangeError unless `timeZone` is an IANA time zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone });
}

type Fail = (reason: string) => never;

// --- rate -------------------------------------------------------------------------------

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

function parseRate(body: string, anchor: Date, fail: Fail): ScheduleExpression {
  const match = /^(\d+)\s+(minute|hour|day)(s?)$/.exec(body);
  if (!match) return fail('a rate is "value unit" with unit minute(s), hour(s) or day(s)');
  const [, digits = '', unit = 'minute', plural] = match;
  const value = Number(digits);
  if (!Number.isSafeInteger(value) || value < 1) fail('the value must be a whole number of at least 1');
  if (value === 1 && plural) fail(`a value of 1 takes the singular unit: rate(1 ${unit})`);
  if (value > 1 && !plural) fail(`a value above 1 takes the plural unit: rate(${value} ${unit}s)`);
  // A rate is a fixed duration: `rate(1 day)` is 24 hours even across a DST change, as in AWS.
  const interval = value * UNIT_MS[unit as keyof typeof UNIT_MS];
  const start = anchor.getTime();
  return {
    kind: 'rate',
    describe: value === 1 ? `every ${unit}` : `every ${value} ${unit}s`,
    next: (after) => {
      const k = after.getTime() < start ? 0 : Math.floor((after.getTime() - start) / interval) + 1;
      return new Date(start + k * interval);
    },
    previous: (atOrBefore) => {
      if (atOrBefore.getTime() < start) return undefined;
      return new Date(start + Math.floor((atOrBefore.getTime() - start) / interval) * interval);
    },
  };
}

// --- cron -------------------------------------------------------------------------------

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Characters AWS allows besides digits, from its cron reference table. */
  readonly wildcards: string;
  readonly names?: readonly string[];
  /** Renumbers a value into croner's numbering. */
  readonly toCroner?: (value: number) => number;
  /** Items only this field knows (L, W, #); returns undefined when `item` is not one. */
  readonly special?: (item: string, fail: Fail) => string | undefined;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

// AWS counts weekdays 1-7 from Sunday; croner counts 0-6 from Sunday.
const awsDayToCroner = (day: number): number => day - 1;

const FIELDS: readonly FieldSpec[] = [
  { label: 'minutes', min: 0, max: 59, wildcards: ',-*/' },
  { label: 'hours', min: 0, max: 23, wildcards: ',-*/' },
  { label: 'day-of-month', min: 1, max: 31, wildcards: ',-*?/LW', special: dayOfMonthSpecial },
  { label: 'month', min: 1, max: 12, wildcards: ',-*/', names: MONTHS },
  {
    label: 'day-of-week',
    min: 1,
    max: 7,
    wildcards: ',-*?L#',
    names: DAYS,
    toCroner: awsDayToCroner,
    special: dayOfWeekSpecial,
  },
  { label: 'year', min: 1970, max: 2199, wildcards: ',-*/' },
];

function parseCron(body: string, expression: string, fail: Fail): ScheduleExpression {
  const fields = body.split(/\s+/);
  if (fields.length !== 6) fail(`cron needs 6 fields (minutes hours day-of-month month day-of-week year)`);
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    fail('exactly one of day-of-month and day-of-week must be "?"');
  }
  const converted = FIELDS.map((spec, i) => convertField(fields[i] ?? '', spec, fail));
  const pattern = `0 ${converted.join(' ')}`;
  const cronFor = cronCache(pattern, fail);
  cronFor('UTC');
  return {
    kind: 'cron',
    describe: `${expression.trim()} (croner "${pattern}")`,
    next: (after, timeZone = 'UTC') => cronFor(timeZone).nextRun(after) ?? undefined,
    // croner's previous runs are strictly before the reference, to the second.
    previous: (atOrBefore, timeZone = 'UTC') =>
      cronFor(timeZone).previousRuns(1, new Date(atOrBefore.getTime() + 1))[0],
  };
}

function cronCache(pattern: string, fail: Fail): (timeZone: string) => Cron {
  const byZone = new Map<string, Cron>();
  return (timeZone) => {
    let cron = byZone.get(timeZone);
    if (!cron) {
      assertTimeZone(timeZone);
      try {
        // domAndDow: one of the two day fields is always `?` (made `*`), so AND leaves the other in charge.
        cron = new Cron(pattern, { timezone: timeZone, paused: true, mode: '7-part', domAndDow: true });
      } catch (error) {
        return fail(error instanceof Error ? error.message : String(error));
      }
      byZone.set(timeZone, cron);
    }
    return cron;
  };
}

function convertField(field: string, spec: FieldSpec, fail: Fail): string {
  const text = replaceNames(field.toUpperCase(), spec);
  const illegal = [...text].find((char) => !/\d/.test(char) && !spec.wildcards.includes(char));
  if (illegal !== undefined) fail(`"${illegal}" is not allowed in ${spec.label} ("${field}")`);
  const items = text.split(',');
  if (items.length > 1 && text.includes('#')) fail(`a "#" day-of-week must be the only value ("${field}")`);
  return items.map((item) => convertItem(item, spec, fail)).join(',');
}

function replaceNames(text: string, spec: FieldSpec): string {
  const names = spec.names;
  if (!names) return text;
  return text.replace(/[A-Z]{3}/g, (name) => {
    const index = names.indexOf(name);
    return index < 0 ? name : String(index + spec.min);
  });
}

function convertItem(item: string, spec: FieldSpec, fail: Fail): string {
  if (item === '*' || item === '?') return '*';
  const special = spec.special?.(item, fail);
  if (special !== undefined) return special;
  const match = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(item);
  if (!match) return fail(`cannot read "${item}" in ${spec.label}`);
  const [, from = '', to, step] = match;
  if (from === '*') {
    if (step === undefined || to !== undefined) return fail(`cannot read "${item}" in ${spec.label}`);
    return `*/${checkStep(step, spec, fail)}`;
  }
  const low = checkValue(from, spec, fail);
  // AWS's `5/15` counts from 5 to the end of the field; croner wants that range spelled out.
  const high = to !== undefined ? checkValue(to, spec, fail) : step !== undefined ? spec.max : low;
  if (high < low) fail(`the range "${item}" in ${spec.label} runs backwards`);
  const map = spec.toCroner ?? ((value: number) => value);
  const range = high === low ? `${map(low)}` : `${map(low)}-${map(high)}`;
  return step === undefined ? range : `${range}/${checkStep(step, spec, fail)}`;
}

function checkValue(text: string, spec: FieldSpec, fail: Fail): number {
  const value = Number(text);
  if (value < spec.min || value > spec.max)
    fail(`${text} is outside ${spec.min}-${spec.max} in ${spec.label}`);
  return value;
}

function checkStep(text: string, spec: FieldSpec, fail: Fail): number {
  const step = Number(text);
  if (step < 1) fail(`the step "/${text}" in ${spec.label} must be at least 1`);
  return step;
}

function dayOfMonthSpecial(item: string, fail: Fail): string | undefined {
  if (item === 'L' || item === 'LW') return item;
  const nearest = /^(\d+)W$/.exec(item);
  if (!nearest) return /[LW]/.test(item) ? fail(`cannot read "${item}" in day-of-month`) : undefined;
  return `${checkValue(nearest[1] ?? '', FIELDS[2] as FieldSpec, fail)}W`;
}

function dayOfWeekSpecial(item: string, fail: Fail): string | undefined {
  const spec = FIELDS[4] as FieldSpec;
  // A bare L is the last day of the week: Saturday.
  if (item === 'L') return String(awsDayToCroner(7));
  const last = /^(\d)L$/.exec(item);
  if (last) return `${awsDayToCroner(checkValue(last[1] ?? '', spec, fail))}L`;
  const nth = /^(\d)#(\d)$/.exec(item);
  if (nth) {
    const n = Number(nth[2]);
    if (n < 1 || n > 5) fail(`"${item}": the week of the month after "#" must be 1-5`);
    return `${awsDayToCroner(checkValue(nth[1] ?? '', spec, fail))}#${n}`;
  }
  return /[L#]/.test(item) ? fail(`cannot read "${item}" in day-of-week`) : undefined;
}
