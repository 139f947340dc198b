import type { KismoConfig } from './config';

/** Escapes text for Slack's mrkdwn: `<`, `>` and `&` would otherwise become links or mentions. */
export const esc = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * How a message names an owner (a `kismo-owner` tag's value, whether the person signs in as an
 * IAM user or through Identity Center): a mention (`<@U…>`, which notifies them) when `ping` and
 * `slack.users` maps them to a Slack member, else their name in bold.
 */
export function mention(owner: string, config: KismoConfig, ping = true): string {
  const slackId = config.slack.users[owner];
  return ping && slackId ? `<@${slackId}>` : `*${esc(owner)}*`;
}
