// The estimator on the local cloud: each instance event of a session becomes a Cost Estimated
// with the hourly price and what the session has cost so far, and the journal records it.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  instanceLaunched,
  instanceRestarted,
  instanceStopped,
  instanceTerminated,
} from '../../../contracts/catalog';
import type { EventEnvelope } from '../../../contracts/kit/contract';
import { sessionKey } from '../../../contracts/manifest';
import { createPublisher } from '../../../contracts/publish';
import estimator from '../../../services/cost-estimator/service';
import { eventBridgeBus } from '../../../services/kit/ports/bus';
import journal from '../../../services/session-journal/service';
import { INSTANCE_ID, launched, OWNER, SESSION_ID } from '../../factories/kismo-events';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';

const HOUR = 3600_000;
const keys = { owner: OWNER, sessionId: SESSION_ID, instanceId: INSTANCE_ID };

/** Publishes on the cloud's bus as the services do; `close` when done. */
function publisherOf(test: TestCloud) {
  const events = new EventBridgeClient({
    endpoint: test.cloud.endpoint,
    region: test.cloud.region,
    credentials: test.cloud.credentials,
  });
  return {
    bus: createPublisher({ bus: eventBridgeBus(events, test.cloud.config.busName) }),
    close: () => events.destroy(),
  };
}

describe('the cost estimator', () => {
  let test: TestCloud;
  const seen: EventEnvelope[] = [];

  beforeAll(async () => {
    test = await startTestCloud({ services: [estimator], config: { rootVolumeGiB: 730 } });
    test.cloud.tap((event) => {
      if (event['detail-type'] === 'Cost Estimated') seen.push(event);
    });
  });
  afterAll(async () => test.stop());

  it('prices a session at launch, and adds up the hours it ran and its volume’s as it stops, starts and ends', async () => {
    // Prepare
    const { bus, close } = publisherOf(test);
    const step = async (ms: number) => {
      await test.cloud.clock.advance(ms);
      await test.cloud.settle();
    };

    // Act: runs 10 h, stopped 14 h, runs 2 h more, then ends
    await bus.publish(instanceLaunched, launched({ launchedAt: test.cloud.clock.now().toISOString() }));
    await step(10 * HOUR);
    await bus.publish(instanceStopped, { ...keys, reason: 'idle', hourlyPrice: 3.06 });
    await step(14 * HOUR);
    await bus.publish(instanceRestarted, { ...keys, reason: 'business-hours' });
    await step(2 * HOUR);
    await bus.publish(instanceTerminated, { ...keys, reason: 'user' });
    await test.cloud.settle();
    close();

    // Assess: p3.2xlarge $3.06/h for 12 h; 730 GiB of gp3 is $58.40 a month, $0.08 an hour, for 26 h
    const estimates = seen.map((e) => e.detail as { hourly: number; accrued: number; currency: string });
    expect(estimates.map((e) => e.hourly)).toEqual([3.06, 3.06, 3.06, 3.06]);
    expect(estimates.map((e) => e.accrued)).toEqual(
      [0, 10 * 3.06 + 10 * 0.08, 10 * 3.06 + 24 * 0.08, 12 * 3.06 + 26 * 0.08].map(
        (n) => Math.round(n * 10_000) / 10_000,
      ),
    );
    expect(await test.cloud.deadLetters('cost-estimator')).toEqual([]);
  });
});

describe('the cost so far, where the owner reads it', () => {
  it('reaches the session’s status through the journal, for kismo ls and kismo status', async () => {
    // Prepare
    const test = await startTestCloud({ services: [estimator, journal] });
    const { bus, close } = publisherOf(test);

    // Act: a p3.2xlarge with the default 200 GiB volume runs 5 h, then stops
    await bus.publish(instanceLaunched, launched({ launchedAt: test.cloud.clock.now().toISOString() }));
    await test.cloud.settle();
    test.cloud.clock.advance(5 * HOUR);
    await bus.publish(instanceStopped, { ...keys, reason: 'user', hourlyPrice: 3.06 });
    await test.cloud.settle();
    close();
    const s3 = test.cloud.s3();
    const object = await s3.send(
      new GetObjectCommand({ Bucket: test.cloud.bucket, Key: sessionKey(OWNER, SESSION_ID, 'status.json') }),
    );
    const status = JSON.parse((await object.Body?.transformToString()) ?? '{}');
    s3.destroy();
    await test.stop();

    // Assess: 5 × $3.06 + 5 h of $16 a month (200 GiB × $0.08) over 730 h
    expect(status.costSoFar).toBeCloseTo(5 * 3.06 + (5 * 16) / 730, 4);
    expect(status.state).toBe('stopped');
  });
});

describe('the morning summary', () => {
  it('tells each owner, when business hours begin, what ran, what it cost, and what the night’s idle stop saved', async () => {
    // Prepare: Monday 10:00 in Tokyo
    const test = await startTestCloud({
      services: [estimator],
      config: { slack: { users: { [OWNER]: 'U0ADA' } } },
    });
    const { bus, close } = publisherOf(test);

    // Act: a p3.2xlarge (200 GiB) runs until 20:00, is stopped for idleness, and it is Tuesday 09:00
    await bus.publish(instanceLaunched, launched({ launchedAt: test.cloud.clock.now().toISOString() }));
    await test.cloud.settle();
    test.cloud.clock.advance(10 * HOUR);
    await bus.publish(instanceStopped, { ...keys, reason: 'idle', hourlyPrice: 3.06 });
    await test.cloud.settle();
    await test.cloud.advance(13 * HOUR);
    close();
    const messages = test.chat.messages.map((m) => m.text);
    await test.stop();

    // Assess: 10 h × $3.06 = $30.60, plus 23 h of a $16-a-month volume ($0.50); 13 h stopped saved $39.78
    expect(messages).toEqual([
      '💰 <@U0ADA> your 1 kismo session(s): ran 10 h, cost $31.10 so far (estimate). Idle stops saved 13 h, $39.78, against running through the night. 1 stopped instance(s) still cost $16.00 a month for their volumes: `kismo down SESSION` deletes one.',
    ]);
  });
});
