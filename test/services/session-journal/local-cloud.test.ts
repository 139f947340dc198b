import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceLaunched, instanceReady } from '../../../contracts/catalog';
import { sessionKey } from '../../../contracts/manifest';
import { createPublisher } from '../../../contracts/publish';
import { sessionStatusSchema } from '../../../contracts/session-status';
import { eventBridgeBus } from '../../../services/kit/ports/bus';
import journal from '../../../services/session-journal/service';
import { launched, OWNER, ready } from '../../factories/kismo-events';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';

describe('session-journal in the local cloud', () => {
  let test: TestCloud;

  beforeAll(async () => {
    test = await startTestCloud({ services: [journal] });
  });
  afterAll(async () => test.stop());

  it('writes status.json from the events on the bus, in the owner’s session prefix', async () => {
    // Prepare
    const sessionId = '20261130-010000-bus001';
    const bus = eventBridgeBus(
      new EventBridgeClient({
        endpoint: test.cloud.endpoint,
        region: test.cloud.region,
        credentials: test.cloud.credentials,
      }),
      test.cloud.config.busName,
    );
    const publisher = createPublisher({ bus });

    // Act: Ready first, as an at-least-once bus may deliver it
    await publisher.publish(instanceReady, ready({ sessionId }));
    await publisher.publish(instanceLaunched, launched({ sessionId }));
    await test.cloud.settle();

    // Assess
    const answer = await test.cloud
      .s3()
      .send(
        new GetObjectCommand({ Bucket: test.cloud.bucket, Key: sessionKey(OWNER, sessionId, 'status.json') }),
      );
    const status = sessionStatusSchema.parse(JSON.parse((await answer.Body?.transformToString()) ?? ''));
    expect(answer.ContentType).toBe('application/json');
    expect(status).toMatchObject({ state: 'ready', instanceType: 'p3.2xlarge', address: '10.0.1.17' });
    expect(status.timeline).toHaveLength(2);
  });
});
