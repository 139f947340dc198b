// Pressing kismo's buttons, as Slack posts the press: signed requests to the local cloud's
// /slack/actions, answered by the same `answer` the function URL runs, acted on by session-control
// as the CLI's requests are.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sessionKey } from '../../../contracts/manifest';
import { buttonActionId, buttonValue } from '../../../contracts/slack-buttons';
import sessionControl from '../../../services/session-control/service';
import { sessionLaunch } from '../../factories/launch';
import { all } from '../../support/collect';
import { startTestCloud, type TestCloud } from '../../support/local-cloud';

const ANA = '20261130-010000-anaone';
const BOB = '20261130-010000-bobone';
const MEMBERS = { ana: 'U0ANA', bob: 'U0BOB', olga: 'U0OLGA' } as const;

describe('Slack buttons, pressed', () => {
  let test: TestCloud;
  let anaInstance: string;
  let bobInstance: string;

  const press = (
    who: string,
    action: Parameters<typeof buttonActionId>[0],
    owner: string,
    sessionId: string,
    tweak: (payload: Record<string, unknown>) => Record<string, unknown> = (p) => p,
  ) => {
    const payload = tweak({
      type: 'block_actions',
      user: { id: who },
      actions: [{ action_id: buttonActionId(action), value: buttonValue(owner, sessionId) }],
      response_url: test.cloud.slack.responseUrl(`${sessionId}-${Math.random()}`),
      message: {
        ts: '1764464400.000100',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'idle' } },
          { type: 'actions', elements: [] },
        ],
      },
    });
    return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  };
  const post = async (
    body: string,
    headers: Record<string, string> = test.cloud.slack.sign(body, test.cloud.clock.now()),
  ) => {
    const response = await fetch(`${test.cloud.endpoint}/slack/actions`, { method: 'POST', headers, body });
    return { status: response.status, body: await response.text() };
  };
  /** The requests written for a session, oldest first, as session-control reads them. */
  const requests = async (owner: string, sessionId: string) => {
    const s3 = test.cloud.s3();
    try {
      const listed = await s3.send(
        new ListObjectsV2Command({
          Bucket: test.cloud.bucket,
          Prefix: sessionKey(owner, sessionId, 'requests/'),
        }),
      );
      return await Promise.all(
        (listed.Contents ?? []).map(async ({ Key }) => {
          const object = await s3.send(new GetObjectCommand({ Bucket: test.cloud.bucket, Key }));
          return JSON.parse((await object.Body?.transformToString()) ?? '{}');
        }),
      );
    } finally {
      s3.destroy();
    }
  };
  const state = async (instanceId: string) =>
    (await all(test.cloud.ec2.describe({ instanceIds: [instanceId] })))[0]?.state;

  beforeAll(async () => {
    test = await startTestCloud({
      services: [sessionControl],
      users: ['ana', 'bob', 'olga'],
      config: { slack: { users: MEMBERS, operators: ['olga'] } },
    });
    const s3 = test.cloud.s3();
    for (const [owner, sessionId] of [
      ['ana', ANA],
      ['bob', BOB],
    ] as const) {
      await s3.send(
        new PutObjectCommand({
          Bucket: test.cloud.bucket,
          Key: sessionKey(owner, sessionId, 'manifest.json'),
          Body: '{}',
        }),
      );
    }
    s3.destroy();
    anaInstance = (await test.cloud.ec2.launch(sessionLaunch({ sessionId: ANA, owner: 'ana' }))).instanceId;
    bobInstance = (await test.cloud.ec2.launch(sessionLaunch({ sessionId: BOB, owner: 'bob' }))).instanceId;
  });
  beforeEach(() => {
    test.cloud.slack.responses.length = 0;
  });
  afterAll(async () => test.stop());

  it('stops the owner’s instance on Stop now, through session-control, and says in the message who did it', async () => {
    // Act
    const answer = await post(press(MEMBERS.ana, 'stop', 'ana', ANA));
    await test.cloud.settle();

    // Assess
    expect(answer.status).toBe(200);
    expect(await requests('ana', ANA)).toEqual([{ action: 'stop', requestedAt: expect.any(String) }]);
    expect(await state(anaInstance)).toBe('stopped');
    const [update] = test.cloud.slack.responses;
    expect(update?.message).toMatchObject({ replace_original: true });
    const blocks = update?.message.blocks as { type: string }[];
    expect(blocks.map((b) => b.type)).toEqual(['section', 'context']);
    expect(JSON.stringify(blocks)).toContain('<@U0ANA> pressed *Stop now*');
  });

  it('keeps the instance for two hours on Keep 2 h, as kismo keep --until 2h asks', async () => {
    // Act
    const answer = await post(press(MEMBERS.bob, 'keep-2h', 'bob', BOB));
    await test.cloud.settle();

    // Assess
    expect(answer.status).toBe(200);
    const until = new Date(test.cloud.clock.now().getTime() + 2 * 3600_000).toISOString();
    expect(await requests('bob', BOB)).toEqual([{ action: 'keep', until, requestedAt: expect.any(String) }]);
    expect(await state(bobInstance)).toBe('running');
  });

  it('lets an operator act on anyone’s session, and no one else on another owner’s', async () => {
    // Act
    const bobOnAna = await post(press(MEMBERS.bob, 'terminate', 'ana', ANA));
    const told = test.cloud.slack.responses.at(-1)?.message;
    const olgaOnBob = await post(press(MEMBERS.olga, 'stop', 'bob', BOB));
    await test.cloud.settle();

    // Assess
    expect(bobOnAna.status).toBe(403);
    expect(told).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/Only ana/) });
    expect((await requests('ana', ANA)).map((r) => r.action)).toEqual(['stop']);
    expect(await state(anaInstance)).toBe('stopped');
    expect(olgaOnBob.status).toBe(200);
    expect(await state(bobInstance)).toBe('stopped');
  });

  it.each<[string, () => Promise<{ status: number }>, number]>([
    ['a Slack member kismo does not know', () => post(press('U0STRANGER', 'stop', 'ana', ANA)), 403],
    [
      'a session that does not exist',
      () => post(press(MEMBERS.ana, 'stop', 'ana', '20261130-010000-nosuch')),
      404,
    ],
    [
      'a button kismo never made',
      () =>
        post(
          press(MEMBERS.ana, 'stop', 'ana', ANA, (p) => ({
            ...p,
            actions: [{ action_id: 'kismo:reboot', value: buttonValue('ana', ANA) }],
          })),
        ),
      400,
    ],
    [
      'a response_url that is not Slack’s',
      () =>
        post(
          press(MEMBERS.ana, 'stop', 'ana', ANA, (p) => ({ ...p, response_url: 'https://evil.example/x' })),
        ),
      400,
    ],
    [
      'a payload that is no button press',
      () => post('payload=%7B%22type%22%3A%22view_submission%22%7D'),
      400,
    ],
    ['a body too large', () => post(`payload=${'x'.repeat(70_000)}`), 413],
    [
      'no signature',
      () =>
        post(press(MEMBERS.ana, 'stop', 'ana', ANA), { 'content-type': 'application/x-www-form-urlencoded' }),
      401,
    ],
    [
      'a wrong signature',
      async () => {
        const body = press(MEMBERS.ana, 'stop', 'ana', ANA);
        const headers = test.cloud.slack.sign(`${body}&x=1`, test.cloud.clock.now());
        return post(body, headers);
      },
      401,
    ],
    [
      'a timestamp six minutes old',
      async () => {
        const body = press(MEMBERS.ana, 'stop', 'ana', ANA);
        return post(body, test.cloud.slack.sign(body, new Date(test.cloud.clock.now().getTime() - 360_000)));
      },
      401,
    ],
    [
      'a replay of a request already answered',
      async () => {
        const body = press(MEMBERS.bob, 'terminate', 'bob', BOB);
        const headers = test.cloud.slack.sign(body, test.cloud.clock.now());
        await post(body, headers);
        return post(body, headers);
      },
      409,
    ],
  ])('refuses %s, and does nothing', async (_what, send, status) => {
    // Prepare
    const before = (await requests('ana', ANA)).length + (await requests('bob', BOB)).length;

    // Act
    const answer = await send();
    await test.cloud.settle();

    // Assess
    expect(answer.status).toBe(status);
    // The replay row's first request is the only one that may have written.
    expect((await requests('ana', ANA)).length + (await requests('bob', BOB)).length).toBe(
      status === 409 ? before + 1 : before,
    );
  });
});
