import type { KismoConfig } from './config';
import type { Schedule } from './define-service';

const ISO_TO_AWS_DAY = ['', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;

/**
 * The expression and time zone a schedule runs on. `business-hours-start` follows the calendar:
 * its start time on its weekdays (holidays are the service's to skip: a cron cannot know them).
 */
export function resolveSchedule(
  schedule: Schedule,
  config: KismoConfig,
): { expression: string; timeZone: string } {
  const timeZone = schedule.timeZone ?? config.calendar.timeZone;
  if (schedule.at !== 'business-hours-start') return { expression: schedule.expression, timeZone };
  const [hours, minutes] = config.calendar.start.split(':').map(Number);
  const days = [...config.calendar.weekdays]
    .sort()
    .map((d) => ISO_TO_AWS_DAY[d])
    .join(',');
  return { expression: `cron(${minutes} ${hours} ? * ${days} *)`, timeZone };
}
