import { MAX_KEEP_DAYS } from '../../contracts/session-request';
import { CliError } from '../errors';

const DURATION = /^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?$/;
const CLOCK = /^(?:(today|tomorrow)\s+)?([01]?\d|2[0-3]):([0-5]\d)$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const hint =
  'give an ISO time (2026-12-01T09:00, your local time unless it has a zone), HH:MM, "tomorrow HH:MM", or a duration (3h, 90m, 1d2h)';

/** A local wall-clock time today (or tomorrow); today's already past moves to tomorrow. */
function atClock(now: Date, day: string | undefined, hours: number, minutes: number): Date {
  const at = new Date(now.getFullYear(), now.getMonth(), now.getDate(), hours, minutes);
  if (day === 'tomorrow' || (day === undefined && at <= now)) at.setDate(at.getDate() + 1);
  return at;
}

/**
 * `--until` as people type it: an ISO time, `HH:MM` (the next one), `tomorrow HH:MM`, or a
 * duration from now (`3h`, `90m`, `1d2h`). Times without a zone are the machine's local time.
 * Must lie ahead, at most MAX_KEEP_DAYS away.
 */
export function parseUntil(text: string, now: Date = new Date()): Date {
  const input = text.trim().toLowerCase();
  let until: Date | undefined;
  const duration = DURATION.exec(input);
  const clock = CLOCK.exec(input);
  if (input !== '' && duration) {
    const [, d = '0', h = '0', m = '0'] = duration;
    until = new Date(now.getTime() + ((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60_000);
  } else if (clock) {
    until = atClock(now, clock[1], Number(clock[2]), Number(clock[3]));
  } else if (DATE_ONLY.test(input)) {
    throw new CliError('BAD_UNTIL', `"${text}" is a day without a time: ${hint}`);
  } else if (/^\d{4}-\d{2}-\d{2}t/.test(input)) {
    const parsed = Date.parse(text.trim());
    if (!Number.isNaN(parsed)) until = new Date(parsed);
  }
  if (!until) throw new CliError('BAD_UNTIL', `cannot read "${text}" as a time: ${hint}`);
  if (until <= now) throw new CliError('BAD_UNTIL', `${until.toISOString()} is already past: ${hint}`);
  if (until.getTime() - now.getTime() > MAX_KEEP_DAYS * 24 * 3600_000) {
    throw new CliError(
      'BAD_UNTIL',
      `kismo keeps an instance at most ${MAX_KEEP_DAYS} days ahead; ask again later`,
    );
  }
  return until;
}
