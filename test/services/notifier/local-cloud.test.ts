import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { instanceReady, workFinished } from '../../../contracts/catalog';
import { createPublisher } from '../../../contracts/publish';
import { logger } from '../../../services/kit/logger';
import { eventBridgeBus } from '../../../services/kit/ports/bus';
import { createSlackClient, slackChat } from '../../../services/kit/ports/chat';
import notifier from '../../../services/notifier/service';
import { finished, OWNER, ready } from '../../factories/kismo-events';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';
import { SlackStandIn } from './slack-stand-in';

const session = (n: number) => `20261130-0100${String(n).padStart(2, '0')}-slack${n}`.slice(0, 22);

describe('notifier in the local cloud, talking to Slack over HTTP', () => {
  const slack = new SlackStandIn();
  let test: TestCloud;
  let publish: ReturnType<typeof createPublisher>['publish'];
  /** What the services logged: Powertools writes errors to stderr, as console.error does. */
  const logged: string[] = [];
  const errorsOf = (sessionId: string) =>
    logged.filter((line) => line.includes(`"sessionId":"${sessionId}"`) && line.includes('"level":"ERROR"'));

  beforeAll(async () => {
    const apiUrl = await slack.start();
    // What is logged when a message fails is part of what is tested.
    logger.setLogLevel('ERROR');
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      logged.push(...String(chunk).split('\n'));
      return true;
    });
    test = await startTestCloud({
      services: [notifier],
      chat: slackChat(createSlackClient('xoxb-test', { slackApiUrl: apiUrl })),
      config: { slack: { users: { [OWNER]: 'U0ADA' } } },
      // Redeliver at once: the test is about what is retried, not about waiting for it.
      visibilityTimeoutSeconds: 0,
    });
    const events = new EventBridgeClient({
      endpoint: test.cloud.endpoint,
      region: test.cloud.region,
      credentials: test.cloud.credentials,
    });
    publish = createPublisher({ bus: eventBridgeBus(events, test.cloud.config.busName) }).publish;
  });
  afterEach(() => {
    slack.answer = () => 'ok';
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    logger.setLogLevel('SILENT');
    await test.stop();
    await slack.stop();
  });

  it('posts one thread per session with the owner mentioned, once per event however often it is published', async () => {
    // Prepare
    const sessionId = session(1);
    const before = slack.accepted.length;

    // Act
    await publish(instanceReady, ready({ sessionId }));
    await publish(instanceReady, ready({ sessionId }));
    await publish(workFinished, finished({ sessionId }));
    await test.cloud.settle();

    // Assess
    const posted = slack.accepted.slice(before);
    expect(posted).toHaveLength(2);
    expect(posted[0]).toMatchObject({ channel: '#kismo', text: expect.stringContaining('<@U0ADA>') });
    expect(posted[0]?.threadTs).toBeUndefined();
    expect(posted[1]?.threadTs).toBe(posted[0]?.ts);
  });

  it('delivers every message, once, after Slack answered 429 and 5xx for a while', async () => {
    // Prepare: the next 9 calls fail (a 5xx costs three calls: the client retries twice)
    const first = slack.calls + 1;
    slack.answer = (call) => (call < first + 3 ? 429 : call < first + 9 ? 503 : 'ok');
    const before = slack.accepted.length;
    const sessions = [session(2), session(3), session(4)];

    // Act
    for (const sessionId of sessions) await publish(instanceReady, ready({ sessionId }));
    await test.cloud.settle();

    // Assess
    const posted = slack.accepted.slice(before);
    expect(posted).toHaveLength(3);
    expect(posted.every((m) => m.threadTs === undefined)).toBe(true);
    expect(await test.cloud.deadLetters('notifier')).toEqual([]);
    const reasons = sessions.flatMap(errorsOf).join('\n');
    expect(reasons).toContain('rate-limit');
    expect(reasons).toContain('statusCode = 503');
  });

  it('ends in the dead-letter queue when Slack keeps failing, with the reason logged', async () => {
    // Prepare
    slack.answer = () => 429;
    const sessionId = session(5);
    const callsBefore = slack.calls;

    // Act
    await publish(instanceReady, ready({ sessionId }));
    await test.cloud.settle();

    // Assess
    const dead = await test.cloud.deadLetters('notifier');
    expect(dead.map((e) => (e.detail as { sessionId: string }).sessionId)).toEqual([sessionId]);
    expect(slack.calls - callsBefore).toBe(notifier.maxReceiveCount);
    const failures = errorsOf(sessionId);
    expect(failures.length).toBeGreaterThanOrEqual(notifier.maxReceiveCount);
    expect(JSON.parse(failures.at(-1) ?? '{}')).toMatchObject({
      message: expect.stringContaining('dead-letter queue'),
      detailType: 'Instance Ready',
      error: { code: 'slack_webapi_rate_limited_error', message: expect.stringContaining('rate-limit') },
    });
  });
});
