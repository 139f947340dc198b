import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackClient, slackChat } from '../../../../services/kit/ports/chat';

interface Received {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly form: Record<string, string>;
}

type Reply = (response: ServerResponse) => void;

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}): Reply =>
  (response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };

// A stand-in for slack.com: records each request and answers with the next scripted reply.
const received: Received[] = [];
let replies: Reply[] = [];
let server: Server;
let apiUrl: string;

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const form = Object.fromEntries(new URLSearchParams(await readBody(request)));
    received.push({ path: request.url ?? '', authorization: request.headers.authorization, form });
    (replies.shift() ?? json({ ok: false, error: 'unexpected_request' }))(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('slackChat', () => {
  beforeEach(() => {
    received.length = 0;
    replies = [];
  });

  it('posts text and blocks into the thread, without link previews, and returns the ts', async () => {
    // Prepare
    replies = [json({ ok: true, channel: 'C1', ts: '1700000000.000200' })];
    const chat = slackChat(createSlackClient('xoxb-test', { slackApiUrl: apiUrl }));
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*i-1* is ready' } }];

    // Act
    const posted = await chat.post({
      channel: 'C1',
      text: 'i-1 is ready',
      blocks,
      threadTs: '1700000000.000100',
    });

    // Assess
    expect(posted).toEqual({ ts: '1700000000.000200' });
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe('/api/chat.postMessage');
    expect(received[0]?.authorization).toBe('Bearer xoxb-test');
    expect(received[0]?.form).toEqual({
      channel: 'C1',
      text: 'i-1 is ready',
      blocks: JSON.stringify(blocks),
      thread_ts: '1700000000.000100',
      unfurl_links: 'false',
    });
  });

  it('starts a new thread when no threadTs is given', async () => {
    // Prepare
    replies = [json({ ok: true, ts: '1.2' })];
    const chat = slackChat(createSlackClient('xoxb-test', { slackApiUrl: apiUrl }));

    // Act
    await chat.post({ channel: 'C1', text: 'launching' });

    // Assess
    expect(received[0]?.form).toEqual({ channel: 'C1', text: 'launching', unfurl_links: 'false' });
  });

  it('rejects at once on a rate limit instead of waiting out Retry-After', async () => {
    // Prepare
    replies = [json({ ok: false, error: 'ratelimited' }, 429, { 'retry-after': '30' })];
    const chat = slackChat(createSlackClient('xoxb-test', { slackApiUrl: apiUrl }));
    const started = Date.now();

    // Act
    const posting = chat.post({ channel: 'C1', text: 'hello' });

    // Assess
    await expect(posting).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 30 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(received).toHaveLength(1);
  });

  it('gives up on a failing Slack after two quick retries', async () => {
    // Prepare
    replies = [json({}, 503), json({}, 503), json({}, 503), json({ ok: true, ts: 'late' })];
    const chat = slackChat(createSlackClient('xoxb-test', { slackApiUrl: apiUrl }));
    const started = Date.now();

    // Act
    const posting = chat.post({ channel: 'C1', text: 'hello' });

    // Assess
    await expect(posting).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(received).toHaveLength(3);
  });

  it('rejects with Slack’s error when the call is not ok', async () => {
    // Prepare
    replies = [json({ ok: false, error: 'channel_not_found' })];
    const chat = slackChat(createSlackClient('xoxb-test', { slackApiUrl: apiUrl }));

    // Act
    const posting = chat.post({ channel: 'C404', text: 'hello' });

    // Assess
    await expect(posting).rejects.toThrow(/channel_not_found/);
    expect(received).toHaveLength(1);
  });
});
