import * as z from 'zod';
import { instanceIdSchema, isoTimeSchema } from './kit/correlation';

/**
 * What an instance's activity reporter leaves for the idle monitor: one small object per instance
 * and clock hour (UTC), written once the hour is over, holding the hour's five-minute readings.
 * One PUT an hour instead of a CloudWatch custom metric per signal: the monitor reads the object
 * it needs by name. Only the owner's instance role may write under its owner's prefix here
 * (users may not write under `kismo/`), so the key proves the owner; the instance id in the key
 * is the one the reporter read from the instance metadata.
 */
export const ACTIVITY_PREFIX = 'kismo/activity/';

/** The signals every reading measures. */
export const activitySignals = ['gpu', 'memory', 'cpu', 'sessions'] as const;
export type ActivitySignal = (typeof activitySignals)[number];

const HOUR_MS = 3_600_000;

/** The start of the clock hour (UTC) that holds `at`. */
export function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** The clock hours that hold any of [start, end), oldest first. */
export function hoursOf(window: { readonly start: Date; readonly end: Date }): Date[] {
  const hours: Date[] = [];
  for (let t = hourOf(window.start).getTime(); t < window.end.getTime(); t += HOUR_MS)
    hours.push(new Date(t));
  return hours;
}

/** `2026-12-06T04`: the hour's name in keys, as the reporter writes it (`date -u +%Y-%m-%dT%H`). */
export function hourName(hour: Date): string {
  return hourOf(hour).toISOString().slice(0, 13);
}

/** The folder of one instance's hours: `kismo/activity/<owner>/<instanceId>/`. */
export function activityFolder(owner: string, instanceId: string): string {
  return `${ACTIVITY_PREFIX}${owner}/${instanceId}/`;
}

/** `kismo/activity/<owner>/<instanceId>/<YYYY-MM-DDTHH>.json`: the hour that holds `hour`. */
export function activityKey(owner: string, instanceId: string, hour: Date): string {
  return `${activityFolder(owner, instanceId)}${hourName(hour)}.json`;
}

const percent = z.number().finite().min(0);

/**
 * One five-minute reading. A signal the reporter could not measure is left out, and then so is
 * `activity` (the busiest signal over its idle threshold): missing data never reads as idle.
 */
export const activityPointSchema = z.object({
  at: isoTimeSchema,
  gpu: percent.optional(),
  memory: percent.optional(),
  cpu: percent.optional(),
  sessions: percent.optional(),
  activity: percent.optional(),
});

/** At most one reading a minute: a reporter run by hand as well as by its timer is still bounded. */
export const MAX_POINTS_PER_HOUR = 60;

export const activityHourSchema = z.object({
  instanceId: instanceIdSchema,
  /** The hour's start, `2026-12-06T04:00:00Z`. */
  hour: isoTimeSchema,
  points: z.array(activityPointSchema).max(MAX_POINTS_PER_HOUR),
});

export type ActivityPoint = z.output<typeof activityPointSchema>;
export type ActivityHour = z.output<typeof activityHourSchema>;
