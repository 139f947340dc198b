import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stand-in answers to the next call. */
export type Answer = 'ok' | 429 | 500 | 503;

export interface PostedToSlack {
  readonly channel: string;
  readonly text: string;
  readonly threadTs?: string;
  readonly ts: string;
}

/**
 * A local stand-in for slack.com's chat.postMessage on 127.0.0.1: it answers each call with what
 * `answer(n)` says (n counts calls from 1) and keeps the messages it accepted.
 */
export class SlackStandIn {
  readonly accepted: PostedToSlack[] = [];
  calls = 0;
  answer: (call: number) => Answer = () => 'ok';
  #server: Server | undefined;

  async start(): Promise<string> {
    this.#server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const answer = this.answer(++this.calls);
      if (answer !== 'ok') {
        const headers = answer === 429 ? { 'retry-after': '1' } : {};
        response.writeHead(answer, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify({ ok: false, error: answer === 429 ? 'ratelimited' : 'internal_error' }));
        return;
      }
      const ts = `1764340000.${String(this.accepted.length + 1).padStart(6, '0')}`;
      const threadTs = form.get('thread_ts') ?? undefined;
      this.accepted.push({ channel: form.get('channel') ?? '', text: form.get('text') ?? '', threadTs, ts });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true, channel: form.get('channel'), ts }));
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/api/`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}
