import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { FUNCTION_ENV } from '../../contracts/stack-outputs';
import { awsPorts } from '../kit/aws-runtime';
import { configFromEnv } from '../kit/config';
import { serviceLogger } from '../kit/logger';
import { secureString } from '../kit/secret';
import { answer, type SlackActionsContext } from './answer';
import slackActionsEndpoint from './endpoint';

/** Slack posts its answers' URLs here, and nowhere else is answered. */
const SLACK_HOOKS = 'https://hooks.slack.com/';
/** A new signing secret is taken within this long, without a redeploy. */
const SECRET_TTL_MS = 5 * 60_000;

const logger = serviceLogger(slackActionsEndpoint.name);
let context: SlackActionsContext | undefined;

function contextOnce(): SlackActionsContext {
  const config = configFromEnv();
  const parameterName = process.env[FUNCTION_ENV.slackSigningSecretParameter];
  let cached: { value: string | undefined; at: number } | undefined;
  return {
    objects: awsPorts(config).objects,
    config,
    now: () => new Date(),
    logger,
    async signingSecret() {
      if (!parameterName) return undefined;
      if (!cached || Date.now() - cached.at > SECRET_TTL_MS) {
        cached = { value: await secureString(config.region, parameterName), at: Date.now() };
      }
      return cached.value;
    },
    async respond(url, message) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(2000),
      });
      if (!response.ok) throw new Error(`Slack answered ${response.status} to the response_url`);
    },
    responseUrlPrefix: SLACK_HOOKS,
  };
}

/** The function URL's handler: the request as Slack sent it, to `answer`, and its status back. */
export const handler = middy<LambdaFunctionURLEvent, LambdaFunctionURLResult, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    context ??= contextOnce();
    const body = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
      : (event.body ?? '');
    const response = await answer(
      { method: event.requestContext.http.method, headers: event.headers, body },
      context,
    );
    return { statusCode: response.status, headers: { 'content-type': 'text/plain' }, body: response.body };
  });
