import pLimit from 'p-limit';
import { type ActivityPoint, activityHourSchema, activityKey, hoursOf } from '../../contracts/activity-hour';
import type { Logger } from '../kit/logger';
import { getJson, type Objects } from '../kit/ports';
import { OBJECT_SOCKETS } from '../kit/ports/objects';
import { coversWindow, maximum, type Window, type WindowReading } from './window-reading';

/** GETs in flight at once (the S3 client allows as many sockets): far under S3's 5,500 GETs a second per prefix. */
const CONCURRENT_READS = OBJECT_SOCKETS;

/** One instance to read, with the owner whose prefix its reporter writes under. */
export interface ActivitySubject {
  readonly owner: string;
  readonly instanceId: string;
}

/**
 * Reads each instance's window from the hours its reporter wrote (`contracts/activity-hour.ts`):
 * one GET per instance and hour, and the window's peak Activity. The window is whole clock hours.
 * An instance whose readings do not cover the window is `missing` (its reporter could not measure
 * every signal, stopped, or has not written the hour yet); an object that is not an activity hour
 * of that instance is logged and read as no data, never as idleness.
 */
export async function readActivity(
  objects: Objects,
  subjects: readonly ActivitySubject[],
  window: Window,
  logger?: Logger,
): Promise<Map<string, WindowReading>> {
  const hours = hoursOf(window);
  const limit = pLimit(CONCURRENT_READS);
  const unique = [...new Map(subjects.map((s) => [s.instanceId, s])).values()];

  const readHour = async ({ owner, instanceId }: ActivitySubject, hour: Date): Promise<ActivityPoint[]> => {
    const key = activityKey(owner, instanceId, hour);
    let stored: Awaited<ReturnType<typeof getJson>>;
    try {
      stored = await getJson(objects, key);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      stored = { value: undefined, etag: '' };
    }
    if (!stored) return [];
    const parsed = activityHourSchema.safeParse(stored.value);
    if (!parsed.success || parsed.data.instanceId !== instanceId) {
      logger?.warn('not an activity hour of this instance: read as no data', { key, instanceId });
      return [];
    }
    return parsed.data.points;
  };

  const entries = await Promise.all(
    unique.map(async (subject): Promise<[string, WindowReading]> => {
      const points = (await Promise.all(hours.map((hour) => limit(() => readHour(subject, hour))))).flat();
      const inWindow = points.flatMap((p) => {
        const at = new Date(p.at);
        const within = at >= window.start && at < window.end;
        return within && p.activity !== undefined ? [{ at, activity: p.activity }] : [];
      });
      const peak = coversWindow(
        inWindow.map((p) => p.at),
        window,
      )
        ? maximum(inWindow.map((p) => p.activity))
        : undefined;
      return [
        subject.instanceId,
        peak === undefined ? { kind: 'missing' } : { kind: 'measured', activity: peak },
      ];
    }),
  );
  return new Map(entries);
}
