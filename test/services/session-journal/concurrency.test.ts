import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceIdle } from '../../../contracts/catalog';
import { sessionKey } from '../../../contracts/manifest';
import { sessionStatusSchema } from '../../../contracts/session-status';
import { logger } from '../../../services/kit/logger';
import { type Objects, PreconditionFailedError } from '../../../services/kit/ports';
import { s3Objects } from '../../../services/kit/ports/objects';
import { changeOf } from '../../../services/session-journal/change-of';
import { writeStatus } from '../../../services/session-journal/write-status';
import { delivered, idle, kismoEnvelope, OWNER, SESSION_ID } from '../../factories/kismo-events';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { MemoryObjects } from '../../support/memory-ports';

/** Six writers at once on one status.json: the most a session sees, and what the retries guarantee. */
const WRITERS = 6;

/** Counts the writes that lost their race, to show the test did race. */
function counting(objects: Objects): Objects & { lost: number } {
  const counted = {
    lost: 0,
    get: (key: string) => objects.get(key),
    list: (prefix: string) => objects.list(prefix),
    delete: (key: string) => objects.delete(key),
    put: async (...args: Parameters<Objects['put']>) => {
      try {
        return await objects.put(...args);
      } catch (error) {
        if (error instanceof PreconditionFailedError) counted.lost++;
        throw error;
      }
    },
  };
  return counted;
}

async function writeConcurrently(objects: Objects, sessionId: string): Promise<boolean[]> {
  const changes = Array.from({ length: WRITERS }, (_, strike) =>
    changeOf(
      delivered(
        instanceIdle,
        kismoEnvelope(instanceIdle, idle({ sessionId, strike, action: 'will-stop', businessHours: false })),
      ),
      'us-east-1',
    ),
  );
  return Promise.all(
    changes.map((change) =>
      writeStatus({ ...change, sessionId }, { objects, now: () => new Date('2026-11-30T01:00:00Z'), logger }),
    ),
  );
}

const timelineOf = async (objects: Objects, sessionId: string) => {
  const stored = await objects.get(sessionKey(OWNER, sessionId, 'status.json'));
  return sessionStatusSchema.parse(JSON.parse(new TextDecoder().decode(stored?.body))).timeline;
};

describe('session-journal with writers racing on one status.json', () => {
  it('keeps every event (If-Match, re-read, retry) in memory', async () => {
    // Prepare
    const objects = counting(new MemoryObjects());

    // Act
    const wrote = await writeConcurrently(objects, SESSION_ID);

    // Assess
    expect(objects.lost).toBeGreaterThan(0);
    expect(wrote).toEqual(Array(WRITERS).fill(true));
    expect(await timelineOf(objects, SESSION_ID)).toHaveLength(WRITERS);
  });

  describe('on the local cloud’s S3, which enforces If-Match and If-None-Match', () => {
    let test: TestCloud;
    beforeAll(async () => {
      test = await startTestCloud();
    });
    afterAll(async () => test.stop());

    it('keeps every event', async () => {
      // Prepare
      const objects = counting(s3Objects(test.cloud.s3(), test.cloud.bucket));
      const sessionId = '20261130-010000-racers';

      // Act
      await writeConcurrently(objects, sessionId);

      // Assess
      expect(objects.lost).toBeGreaterThan(0);
      const timeline = await timelineOf(objects, sessionId);
      const strikes = timeline.map((e) => /strike (\d+),/.exec(e.summary)?.[1]).sort();
      expect(strikes).toEqual(Array.from({ length: WRITERS }, (_, strike) => String(strike)));
    });
  });
});
