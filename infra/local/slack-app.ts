import { randomBytes } from 'node:crypto';
import type { KismoConfig } from '../../services/kit/config';
import type { Logger } from '../../services/kit/logger';
import type { Clock, Objects } from '../../services/kit/ports';
import { slackSignature } from '../../services/kit/slack-signature';
import { answer, type HttpRequest, type HttpResponse } from '../../services/slack-actions/answer';
import { readable, renderBlock, type ShownButton, type TextSink } from './chat/console-chat';

/** What a press's answer was: the message that replaced the pressed one, or a reply to one person. */
export interface SlackResponse {
  readonly url: string;
  readonly message: Readonly<Record<string, unknown>>;
}

export interface SlackAppOptions {
  /** Where answers are printed, as Slack would show them; none: kept only. */
  readonly out?: TextSink;
  /** Slack member id → name, for mentions in what is printed. */
  readonly members?: Readonly<Record<string, string>>;
}

/**
 * The local cloud's Slack app: its signing secret, the actions endpoint the gateway serves at
 * `/slack/actions` (the same `answer` as the function URL's), and the `response_url`s Slack would
 * give, which here print what Slack would show and keep it for tests.
 */
export class LocalSlackApp {
  readonly signingSecret = randomBytes(24).toString('hex');
  readonly responses: SlackResponse[] = [];
  private deps?: {
    objects: Objects;
    config: KismoConfig;
    clock: Clock;
    logger: Logger;
    endpoint: string;
  };

  constructor(private readonly options: SlackAppOptions = {}) {}

  /** Where the responses go: under the cloud's own endpoint, the only prefix its endpoint answers. */
  responseUrl(id: string): string {
    return `${this.deps?.endpoint ?? ''}/slack/responses/${encodeURIComponent(id)}`;
  }

  /** Wires the endpoint to the cloud, once it runs: the objects port of the endpoint's own role. */
  connect(deps: NonNullable<LocalSlackApp['deps']>): void {
    this.deps = deps;
  }

  /** Headers Slack would send with `body` at `at`. */
  sign(body: string, at: Date): Record<string, string> {
    const timestamp = String(Math.floor(at.getTime() / 1000));
    return {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(this.signingSecret, timestamp, body),
    };
  }

  /**
   * Presses a button shown on the console as Slack would: the press of `slackUser`, signed, posted
   * to the cloud's `/slack/actions`.
   */
  async press(button: ShownButton, slackUser: string): Promise<HttpResponse> {
    const deps = this.deps;
    if (!deps) return { status: 503, body: 'the local cloud is starting' };
    const payload = {
      type: 'block_actions',
      user: { id: slackUser },
      actions: [{ action_id: button.actionId, value: button.value }],
      response_url: this.responseUrl(`${button.message.ts}-${this.responses.length}`),
      message: { ts: button.message.ts, blocks: button.message.blocks ?? [] },
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const response = await fetch(`${deps.endpoint}/slack/actions`, {
      method: 'POST',
      headers: this.sign(body, deps.clock.now()),
      body,
    });
    return { status: response.status, body: await response.text() };
  }

  async answer(request: HttpRequest): Promise<HttpResponse> {
    const deps = this.deps;
    if (!deps) return { status: 503, body: 'the local cloud is starting' };
    return answer(request, {
      objects: deps.objects,
      config: deps.config,
      now: () => deps.clock.now(),
      logger: deps.logger,
      signingSecret: async () => this.signingSecret,
      respond: async (url, message) => {
        this.responses.push({ url, message });
        const out = this.options.out;
        const markup = { members: this.options.members ?? {}, ansi: Boolean(out?.isTTY) };
        out?.write(
          `${render(message)
            .map((line) => readable(line, markup))
            .join('\n')}\n\n`,
        );
      },
      responseUrlPrefix: `${deps.endpoint}/slack/responses/`,
    });
  }
}

/** A response as Slack shows it: the replaced message, or a reply only its presser sees. */
function render(message: Readonly<Record<string, unknown>>): string[] {
  const ephemeral = message.response_type === 'ephemeral';
  const blocks = Array.isArray(message.blocks) ? (message.blocks as Record<string, unknown>[]) : [];
  return [
    ephemeral ? '── only you can see this' : '── the message, updated',
    ...(blocks.length > 0 ? blocks.flatMap((b) => renderBlock(b)) : [String(message.text ?? '')]),
  ];
}

/** The Slack member id the local cloud gives a person of it (`ada` → `ULOCALADA`), for mentions and presses. */
export function localSlackMember(owner: string): string {
  return `ULOCAL${owner.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;
}
