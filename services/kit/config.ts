import * as z from 'zod';
import { DEFAULT_INSTANCE_TYPES } from '../../contracts/instance-types';
import { instanceTypeSchema, ownerSchema } from '../../contracts/kit/correlation';

/**
 * One signal's idle threshold, as the configuration and the user data both check it: positive,
 * since the instance's activity reporter divides the signal by it.
 */
export const idleThresholdSchema = z.number().positive('an idle threshold is a number above 0');
const threshold = idleThresholdSchema;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day is HH:MM (24 h)');

/** Business hours: outside them idle instances are stopped, at their start they are restarted. */
export const calendarSchema = z.object({
  timeZone: z.string().default('Asia/Tokyo'),
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  weekdays: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5]),
  start: hhmm.default('09:00'),
  end: hhmm.default('19:00'),
  /** Public holidays of this country (`JP` by default), or `none`. */
  holidays: z.enum(['JP', 'none']).default('JP'),
  /** Extra days off, `YYYY-MM-DD` in the calendar's time zone. */
  extraHolidays: z.array(z.iso.date()).default([]),
});

/**
 * The configuration every service reads: the CDK context in AWS (validated at synth), the local
 * cloud's settings locally. Passed to functions as the `KISMO_CONFIG` environment variable.
 */
export const kismoConfigSchema = z.object({
  region: z.string().default('us-east-1'),
  bucket: z.string().min(3),
  busName: z.string().default('kismo'),
  allowedInstanceTypes: z
    .array(instanceTypeSchema)
    .min(1)
    .default([...DEFAULT_INSTANCE_TYPES]),
  /** Running instances an owner may have at once. */
  quotaPerOwner: z.number().int().positive().default(2),
  /** Tried in order when one has no capacity. */
  subnets: z.array(z.string()).default([]),
  bootDeadlineMinutes: z.number().positive().default(30),
  /** Size of each instance's gp3 root volume (the stack's `rootVolumeGiB`): what a stopped instance still costs. */
  rootVolumeGiB: z.number().int().min(8).max(16384).default(200),
  calendar: calendarSchema.default(calendarSchema.parse({})),
  idle: z
    .object({
      /**
       * How long an instance must stay idle to count: whole clock hours, since reporters write one
       * object per hour (`contracts/activity-hour.ts`) and the monitor judges the last whole hours.
       */
      windowMinutes: z
        .number()
        .int()
        .positive()
        .multipleOf(60, 'idle.windowMinutes is whole hours: 60, 120, …')
        .max(24 * 60)
        .default(60),
      /**
       * Per signal, the level at or above which an instance counts as in use: GPU, memory and CPU in
       * percent, logged-in sessions as a count. The launcher renders them into an instance's user
       * data, where its activity reporter divides each signal by its threshold: a change applies
       * to instances launched after it. Positive, since the reporter divides by them.
       */
      thresholds: z
        .object({
          gpu: threshold.default(5),
          memory: threshold.default(10),
          cpu: threshold.default(5),
          sessions: threshold.default(1),
        })
        .default({ gpu: 5, memory: 10, cpu: 5, sessions: 1 }),
      remindStoppedAfterDays: z.number().positive().default(7),
    })
    .default({
      windowMinutes: 60,
      thresholds: { gpu: 5, memory: 10, cpu: 5, sessions: 1 },
      remindStoppedAfterDays: 7,
    }),
  slack: z
    .object({
      channel: z.string().default('#kismo'),
      operatorsChannel: z.string().default('#kismo-ops'),
      /**
       * Owner (a `kismo-owner` tag's value, for IAM users and Identity Center users alike) →
       * Slack member id, for mentions.
       */
      users: z
        .record(ownerSchema, z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack member id, like U012AB3CD'))
        .default({}),
      /**
       * Owners who may press kismo's buttons on anyone's session (each must be in `users`, which
       * is how a press is known to be theirs). Everyone else acts on their own sessions only.
       */
      operators: z.array(ownerSchema).default([]),
    })
    .superRefine((slack, issues) => {
      for (const [i, operator] of slack.operators.entries()) {
        if (!(operator in slack.users)) {
          issues.addIssue({
            code: 'custom',
            path: ['operators', i],
            message: `${operator} has no Slack member in slack.users, so no press can be theirs: add one`,
          });
        }
      }
    })
    .default({ channel: '#kismo', operatorsChannel: '#kismo-ops', users: {}, operators: [] }),
});

export type KismoConfig = z.output<typeof kismoConfigSchema>;
export type KismoConfigInput = z.input<typeof kismoConfigSchema>;

/** Parses configuration, with every problem on one line and the path to it. */
export function parseConfig(input: unknown, origin = 'configuration'): KismoConfig {
  const parsed = kismoConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map(
        (i) =>
          `${i.path.join('.') || '(root)'}: ${i.code === 'invalid_key' ? `${i.message} (${i.issues.map((k) => k.message).join(', ')})` : i.message}`,
      )
      .join('; ');
    throw new Error(`${origin} is invalid: ${problems}`);
  }
  return parsed.data;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): KismoConfig {
  const raw = env.KISMO_CONFIG;
  if (!raw) throw new Error('KISMO_CONFIG is not set: the stack passes the configuration to every function');
  return parseConfig(JSON.parse(raw), 'KISMO_CONFIG');
}
