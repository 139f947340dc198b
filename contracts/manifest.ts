import * as z from 'zod';
import { instanceTypeSchema, isoTimeSchema, ownerSchema, sessionIdSchema } from './kit/correlation';

/** What the instance does when `--run` ends (the launcher maps it to InstanceInitiatedShutdownBehavior). */
export const thenActions = ['terminate', 'stop', 'keep'] as const;

/** A dataset name: one path segment under `users/<owner>/datasets/`. */
export const datasetNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'a dataset name is letters, digits and _.- (at most 128)');

/** Where an owner's dataset lives in the bucket: `users/<owner>/datasets/<name>/`. */
export function datasetPrefix(owner: string, name: string): string {
  return `users/${owner}/datasets/${name}/`;
}

/**
 * The key of a session object: `users/<owner>/sessions/<sessionId>/<name>`. Here, not beside the
 * markers' schemas, so a command that only writes a manifest does not build those.
 */
export function sessionKey(owner: string, sessionId: string, name: string): string {
  return `users/${owner}/sessions/${sessionId}/${name}`;
}

/** A path relative to the dataset folder on the instance, never escaping it. */
export const relativePathSchema = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9_.\-/]+$/, 'a path is letters, digits and _.-/')
  .refine(
    (path) => !path.startsWith('/') && !path.split('/').includes('..'),
    'a path stays inside the dataset',
  );

/**
 * `users/<owner>/sessions/<sessionId>/manifest.json`: written last by `kismo push`, it asks for an
 * instance. Its owner and session are also in its key; the key wins (IAM scopes the key, not the body).
 */
export const sessionManifestSchema = z.object({
  schemaVersion: z.literal(1),
  owner: ownerSchema,
  sessionId: sessionIdSchema,
  createdAt: isoTimeSchema,
  instanceType: instanceTypeSchema,
  dataset: z.object({
    name: datasetNameSchema,
    prefix: z
      .string()
      .regex(/^users\/[^/]+\/datasets\/[^/]+\/$/, 'a dataset prefix is users/<owner>/datasets/<name>/'),
    files: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    /** SHA-256 over the sorted `path size sha256` lines of the dataset's files. */
    digest: z.string().regex(/^[0-9a-f]{64}$/),
    /**
     * The session's files are pinned in `dataset.tsv` beside the manifest (`contracts/dataset-pins.ts`):
     * it gets them as pushed, even if the dataset is pushed again before it boots. Absent in
     * manifests of a kismo before pins: those get the dataset as it is when they boot.
     */
    pinned: z.literal(true).optional(),
  }),
  options: z
    .object({
      /** Free text: it travels base64-encoded into the user data, never spliced into shell. */
      run: z.string().max(4096).optional(),
      outputs: relativePathSchema.optional(),
      /** What the instance does when `--run` ends (`--then`). */
      afterRun: z.enum(thenActions).optional(),
    })
    .default({}),
});

export type SessionManifest = z.output<typeof sessionManifestSchema>;
