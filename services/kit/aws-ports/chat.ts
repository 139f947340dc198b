import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSlackClient, slackChat } from '../adapters/slack-chat';
import { logger } from '../logger';
import type { Chat } from '../ports';
import type { PortMaker } from './index';

/**
 * Slack when the secret holds a token. The stack creates the secret empty (GetSecretValue then
 * answers ResourceNotFoundException) until an operator sets it: meanwhile messages go to the logs,
 * so nothing is lost silently and nothing dead-letters.
 */
export const makeChat: PortMaker<Chat> = async (config, env) => {
  const secretArn = env.SLACK_SECRET_ARN;
  if (!secretArn) return logChat;
  const client = new SecretsManagerClient({ region: config.region });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const token = SecretString?.trim();
    return token ? slackChat(createSlackClient(token)) : logChat;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return logChat;
    throw error;
  } finally {
    client.destroy();
  }
};

const logChat: Chat = {
  post: async (message) => {
    logger.warn('no Slack token in the secret yet: message logged instead (docs/deploy.md)', {
      channel: message.channel,
      text: message.text,
    });
    return { ts: `${Date.now() / 1000}` };
  },
};
