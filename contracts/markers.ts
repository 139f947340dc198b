import * as z from 'zod';
import { instanceIdSchema, isoTimeSchema } from './kit/correlation';
import { thenActions } from './manifest';

/**
 * The markers the bootstrap writes under `users/<owner>/sessions/<sessionId>/` (or the local cloud's
 * simulated boot). The owner can write there too, so a marker is trusted only when its `instanceId`
 * is the instance EC2 says carries the session's tag.
 */
export const readyMarkerSchema = z.object({
  instanceId: instanceIdSchema,
  at: isoTimeSchema,
  /** Seconds from boot to the start of the data pull, and of the pull itself. */
  bootSeconds: z.number().nonnegative(),
  dataSeconds: z.number().nonnegative(),
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** Where the dataset is on the instance (`/data/<name>`), or the sandbox folder locally. */
  dataPath: z.string().min(1),
});

export const failedMarkerSchema = z.object({
  instanceId: instanceIdSchema,
  at: isoTimeSchema,
  /** What failed, in a sentence: `dataset check: 3 files expected, 2 found`. */
  reason: z.string().min(1).max(2000),
  /** The last lines of the bootstrap's log. */
  logTail: z.string().max(16_000),
});

export const finishedMarkerSchema = z.object({
  instanceId: instanceIdSchema,
  at: isoTimeSchema,
  exitCode: z.number().int(),
  seconds: z.number().nonnegative(),
  /** Where the outputs went; `null` when the run made no outputs folder. */
  outputsPrefix: z.string().nullable().optional(),
  /** `true` uploaded, `false` the upload failed (the instance stays up), `null` no outputs folder. */
  outputsUploaded: z.boolean().nullable(),
  afterRun: z.enum(thenActions),
});

export type ReadyMarker = z.output<typeof readyMarkerSchema>;
export type FailedMarker = z.output<typeof failedMarkerSchema>;
export type FinishedMarker = z.output<typeof finishedMarkerSchema>;
