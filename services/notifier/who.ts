import type { KismoConfig } from '../kit/config';
import { esc } from './blocks';

/**
 * How a message names the owner: a mention (`<@U…>`, which notifies them) when `ping` and their
 * Slack id is configured, else their name in bold.
 */
export function who(owner: string, config: KismoConfig, ping: boolean): string {
  const slackId = config.slack.users[owner];
  return ping && slackId ? `<@${slackId}>` : `*${esc(owner)}*`;
}
