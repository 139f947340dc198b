import * as z from 'zod';
import { ownerSchema, sessionIdSchema } from '../contracts/kit/correlation';
import { datasetNameSchema, datasetPrefix, relativePathSchema, thenActions } from '../contracts/manifest';
import { idleThresholdSchema } from '../services/kit/config';

/** The largest run command the manifest allows; it travels base64-encoded. */
export const MAX_RUN_COMMAND = 4096;

/**
 * Everything the bootstrap script is rendered with. Each value is checked here even when the
 * launcher checked it already: this schema is what keeps the script safe, whoever calls it.
 */
export const userDataValuesSchema = z
  .object({
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a bucket name is a-z, 0-9, . and -'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'a region looks like us-east-1'),
    owner: ownerSchema,
    sessionId: sessionIdSchema,
    dataset: z.object({
      name: datasetNameSchema,
      prefix: z.string(),
      files: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      /** The session's files are pinned in its `dataset.tsv`: fetch any replaced since by version. */
      pinned: z.boolean().default(false),
    }),
    /** Free text: never spliced into the script, it goes in base64 and is decoded on the instance. */
    run: z.string().min(1).max(MAX_RUN_COMMAND).optional(),
    outputs: relativePathSchema.default('outputs'),
    afterRun: z.enum(thenActions).default('terminate'),
    /**
     * The configuration's idle thresholds when the instance is launched: its activity reporter
     * divides each signal by its own for the Activity metric, so they stay with the instance.
     */
    idleThresholds: z.object({
      gpu: idleThresholdSchema,
      memory: idleThresholdSchema,
      cpu: idleThresholdSchema,
      sessions: idleThresholdSchema,
    }),
  })
  .refine((v) => v.dataset.prefix === datasetPrefix(v.owner, v.dataset.name), {
    message: 'the dataset prefix must be users/<owner>/datasets/<name>/ of the same owner',
    path: ['dataset', 'prefix'],
  });

export type UserDataValues = z.output<typeof userDataValuesSchema>;
export type UserDataValuesInput = z.input<typeof userDataValuesSchema>;
