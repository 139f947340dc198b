import pLimit from 'p-limit';
import type { z } from 'zod';
import type { Logger } from '../kit/logger';
import type { Objects } from '../kit/ports';
import { getJson } from '../kit/ports';

/** S3 reads in flight at once: enough to read thousands of small objects in seconds. */
const CONCURRENT_READS = 16;

/**
 * Every record under a prefix that belongs to one of `wanted`, by instance id. One listing finds
 * which exist, so a sweep reads only instances with something to remember instead of probing
 * each one. An unreadable record is logged and skipped: the sweep starts it again.
 */
export async function loadRecords<T>(
  objects: Objects,
  options: {
    readonly prefix: string;
    readonly idOf: (key: string) => string | undefined;
    readonly schema: z.ZodType<T>;
    readonly wanted?: ReadonlySet<string>;
    readonly logger: Logger;
  },
): Promise<{ records: Map<string, T>; orphans: string[] }> {
  const keys = new Map<string, string>();
  const orphans: string[] = [];
  for await (const object of objects.list(options.prefix)) {
    const id = options.idOf(object.key);
    if (!id) continue;
    if (options.wanted && !options.wanted.has(id)) orphans.push(object.key);
    else keys.set(id, object.key);
  }
  const records = new Map<string, T>();
  const limit = pLimit(CONCURRENT_READS);
  await Promise.all(
    [...keys].map(([id, key]) =>
      limit(async () => {
        let parsed: z.ZodSafeParseResult<T> | undefined;
        try {
          const stored = await getJson(objects, key);
          if (!stored) return;
          parsed = options.schema.safeParse(stored.value);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
        }
        if (parsed?.success) records.set(id, parsed.data);
        else options.logger.warn('unreadable record skipped', { key });
      }),
    ),
  );
  return { records, orphans };
}
