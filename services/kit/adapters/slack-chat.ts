import { type ChatPostMessageArguments, LogLevel, WebClient } from '@slack/web-api';
import type { Chat, ChatMessage } from '../ports/chat';

type SlackBlocks = Extract<ChatPostMessageArguments, { blocks: unknown }>['blocks'];

export interface SlackClientOptions {
  /** @default https://slack.com/api/ */
  readonly slackApiUrl?: string;
}

/**
 * A Slack client for a Lambda: a rate limit fails the call at once and an outage after two quick
 * retries, so SQS redelivers the record after its visibility timeout instead of the function
 * sleeping through Slack's default 30 minutes of retries.
 *
 * @param token the bot token
 */
export function createSlackClient(token: string, options: SlackClientOptions = {}): WebClient {
  return new WebClient(token, {
    slackApiUrl: options.slackApiUrl,
    logLevel: LogLevel.ERROR,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 1000 },
    // A hung connection would otherwise hold the function until its own timeout.
    timeout: 10_000,
  });
}

/**
 * Chat on Slack: one message per `post`, in a thread when `threadTs` is given.
 *
 * @param client a WebClient, usually from `createSlackClient`
 */
export function slackChat(client: WebClient): Chat {
  return {
    async post(message: ChatMessage): Promise<{ ts: string }> {
      const result = await client.chat.postMessage({
        channel: message.channel,
        text: message.text,
        // The port keeps Block Kit opaque; Slack validates the blocks itself.
        blocks: message.blocks as SlackBlocks | undefined,
        thread_ts: message.threadTs,
        // Links in notifications (consoles, docs) would otherwise expand into big previews.
        unfurl_links: false,
      });
      if (!result.ok || !result.ts) {
        throw new Error(
          `Slack chat.postMessage to ${message.channel} failed: ${result.error ?? 'no ts returned'}`,
        );
      }
      return { ts: result.ts };
    },
  };
}
