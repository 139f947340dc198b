import { type ChatPostMessageArguments, LogLevel, WebClient } from '@slack/web-api';
import { FUNCTION_ENV } from '../../../contracts/stack-outputs';
import { logger } from '../logger';
import { secureString } from '../secret';
import type { PortMaker } from './maker';

/** A message for people: plain text for notifications and fallbacks, Block Kit blocks for Slack. */
export interface ChatMessage {
  readonly channel: string;
  readonly text: string;
  readonly blocks?: readonly Record<string, unknown>[];
  /** Reply in this thread (the ts of its first message). */
  readonly threadTs?: string;
}

/** Slack, or the console when no token is configured. */
export interface Chat {
  post(message: ChatMessage): Promise<{ ts: string }>;
}

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

/**
 * Slack when the token's parameter exists. The stack cannot create it (a SecureString), so until
 * an operator puts it (GetParameter answers ParameterNotFound) messages go to the logs: nothing is
 * lost silently and nothing dead-letters.
 */
export const makeChat: PortMaker<Chat> = async (config, env) => {
  const parameterName = env[FUNCTION_ENV.slackTokenParameter];
  if (!parameterName) return logChat;
  const token = await secureString(config.region, parameterName);
  return token ? slackChat(createSlackClient(token)) : logChat;
};

const logChat: Chat = {
  post: async (message) => {
    logger.warn('no Slack token in its parameter yet: message logged instead (docs/deploy.md, Slack)', {
      channel: message.channel,
      text: message.text,
    });
    return { ts: `${Date.now() / 1000}` };
  },
};
