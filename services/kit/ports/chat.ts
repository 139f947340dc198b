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
