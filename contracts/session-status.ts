import * as z from 'zod';
import {
  instanceIdSchema,
  instanceTypeSchema,
  isoTimeSchema,
  ownerSchema,
  sessionIdSchema,
} from './kit/correlation';

/** Where a session is in its life; the journal moves it on each event. */
export const sessionStates = ['launching', 'ready', 'failed', 'finished', 'stopped', 'terminated'] as const;
export type SessionState = (typeof sessionStates)[number];

/** Push --wait ends on these: the session is usable, or it never will be without a new push. */
export const settledStates: readonly SessionState[] = ['ready', 'failed', 'finished', 'terminated'];

export const timelineEntrySchema = z.object({
  at: isoTimeSchema,
  detailType: z.string(),
  /** One human line: `ready at 10.0.1.17 after 74 s`. */
  summary: z.string(),
  eventId: z.string().optional(),
});

/**
 * `users/<owner>/sessions/<sessionId>/status.json`, written only by the session journal, read by
 * `kismo status`, `kismo ls` and `kismo push --wait` with S3 reads alone.
 */
export const sessionStatusSchema = z.object({
  schemaVersion: z.literal(1),
  owner: ownerSchema,
  sessionId: sessionIdSchema,
  state: z.enum(sessionStates),
  updatedAt: isoTimeSchema,
  instanceId: instanceIdSchema.optional(),
  instanceType: instanceTypeSchema.optional(),
  availabilityZone: z.string().optional(),
  address: z.string().optional(),
  connect: z.string().optional(),
  /** Local cloud only: the simulated instance's folder. */
  sandbox: z.string().optional(),
  dataset: z.object({ prefix: z.string(), files: z.number().int(), bytes: z.number().int() }).optional(),
  hourlyPrice: z.number().nullable().optional(),
  /** What the session has cost so far, USD, as the cost estimator last estimated it (compute and volume). */
  costSoFar: z.number().nonnegative().optional(),
  launchedAt: isoTimeSchema.optional(),
  readyAt: isoTimeSchema.optional(),
  /** Why the session failed or stopped, with what to do. */
  reason: z.string().optional(),
  exitCode: z.number().int().optional(),
  idleStrikes: z.number().int().nonnegative().optional(),
  keepAliveUntil: isoTimeSchema.optional(),
  timeline: z.array(timelineEntrySchema),
});

export type SessionStatus = z.output<typeof sessionStatusSchema>;
export const STATUS_FILE = 'status.json';
