import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { cloudWatchMetrics } from './adapters/cloudwatch-metrics';
import { ec2Compute } from './adapters/ec2-compute';
import { eventBridgeBus } from './adapters/eventbridge-bus';
import { s3Objects } from './adapters/s3-objects';
import { createSlackClient, slackChat } from './adapters/slack-chat';
import { configFromEnv, type KismoConfig } from './config';
import type { Service } from './define-service';
import { createHandler, type HandlerOptions } from './lambda';
import { logger } from './logger';
import type { Chat, Ports } from './ports';
import { systemClock } from './ports/clock';

/**
 * The environment the stack gives every function: KISMO_CONFIG (the configuration), and where
 * needed LAUNCH_TEMPLATE_ID and SLACK_SECRET_ARN. Clients are made once per container, lazily.
 */
export function awsPorts(config: KismoConfig, env: NodeJS.ProcessEnv = process.env): Ports {
  const region = config.region;
  return {
    objects: s3Objects(new S3Client({ region }), config.bucket),
    compute: ec2Compute(new EC2Client({ region }), { launchTemplateId: env.LAUNCH_TEMPLATE_ID }),
    metrics: cloudWatchMetrics(new CloudWatchClient({ region })),
    bus: eventBridgeBus(new EventBridgeClient({ region }), config.busName),
    chat: lazySlack(region, env.SLACK_SECRET_ARN),
    clock: systemClock,
  };
}

/** Slack when the secret holds a token; otherwise messages go to the logs, so nothing is lost silently. */
function lazySlack(region: string, secretArn: string | undefined): Chat {
  let chat: Promise<Chat> | undefined;
  const resolve = async (): Promise<Chat> => {
    if (!secretArn) return logChat;
    const client = new SecretsManagerClient({ region });
    try {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      const token = SecretString?.trim();
      return token ? slackChat(createSlackClient(token)) : logChat;
    } finally {
      client.destroy();
    }
  };
  return {
    post: async (message) => {
      chat ??= resolve().catch((error) => {
        chat = undefined;
        throw error;
      });
      return (await chat).post(message);
    },
  };
}

const logChat: Chat = {
  post: async (message) => {
    logger.warn('no Slack token in the secret: message logged instead', {
      channel: message.channel,
      text: message.text,
    });
    return { ts: `${Date.now() / 1000}` };
  },
};

/** The Lambda handler of a service in AWS: `export const handler = awsHandler(service)`. */
export function awsHandler(service: Service, overrides: Partial<HandlerOptions> = {}) {
  return createHandler(service, {
    config: overrides.config ?? (() => configFromEnv()),
    ports: overrides.ports ?? (() => awsPorts(configFromEnv())),
  });
}
