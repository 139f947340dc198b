// The function URL's Lambda entry: where it reads the signing secret (SSM), how long it keeps it,
// and that nothing passes the signature check without it.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { slackSignature } from '../../../services/kit/slack-signature';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const BODY = `payload=${encodeURIComponent(JSON.stringify({ type: 'not a press' }))}`;
const context = {
  functionName: 'kismo-slack-actions',
  awsRequestId: 'r-1',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

/** A POST as the function URL hands it over, signed with `secret` now. */
function request(secret: string, body = BODY): LambdaFunctionURLEvent {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    headers: {
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(secret, timestamp, body),
    },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST' } },
  } as unknown as LambdaFunctionURLEvent;
}

/**
 * A fresh copy of the handler module (its cached signing secret lives as long as a Lambda
 * container), as a function from the secret a request is signed with to the status answered.
 */
async function freshEndpoint(): Promise<(signedWith: string) => Promise<number>> {
  vi.resetModules();
  const { handler } = await import('../../../services/slack-actions/handler');
  return async (signedWith) =>
    ((await handler(request(signedWith), context)) as { statusCode: number }).statusCode;
}

describe('the Slack actions function', () => {
  const ssm = mockClient(SSMClient);
  const s3 = mockClient(S3Client);
  beforeEach(() => {
    ssm.reset();
    s3.reset();
    s3.on(PutObjectCommand).resolves({ ETag: '"claim"' });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-30T01:00:00Z'));
    vi.stubEnv('KISMO_CONFIG', JSON.stringify({ region: 'ap-northeast-1', bucket: 'kismo-data' }));
    vi.stubEnv('SLACK_SIGNING_SECRET_PARAMETER', '/kismo/slack/signing-secret');
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it('refuses every press while the signing secret’s parameter does not exist yet', async () => {
    // Prepare
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ $metadata: {}, message: 'not found' }));
    const press = await freshEndpoint();

    // Act
    const status = await press(SECRET);

    // Assess
    expect(status).toBe(503);
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/kismo/slack/signing-secret', WithDecryption: true },
    ]);
    expect(s3.calls()).toHaveLength(0);
  });

  it('lets through only requests signed with the parameter’s secret, reading it once', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Type: 'SecureString', Value: SECRET } });
    const press = await freshEndpoint();

    // Act
    const forged = await press('another secret');
    const genuine = await press(SECRET);

    // Assess: the genuine one gets past the signature (its replay claim is written) to the payload,
    // which is no button press.
    expect(forged).toBe(401);
    expect(genuine).toBe(400);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('takes a new signing secret within five minutes, without a redeploy', async () => {
    // Prepare: the operator regenerates the secret in Slack and overwrites the parameter.
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Type: 'SecureString', Value: 'the leaked one' } })
      .resolves({ Parameter: { Type: 'SecureString', Value: SECRET } });
    const press = await freshEndpoint();
    await press('the leaked one');

    // Act
    const meanwhile = await press(SECRET);
    vi.setSystemTime(new Date('2026-11-30T01:05:01Z'));
    const after = await press(SECRET);

    // Assess
    expect(meanwhile).toBe(401);
    expect(after).toBe(400);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('reads no parameter when the stack gave it none', async () => {
    // Prepare
    vi.stubEnv('SLACK_SIGNING_SECRET_PARAMETER', undefined);
    const press = await freshEndpoint();

    // Act
    const status = await press(SECRET);

    // Assess
    expect(status).toBe(503);
    expect(ssm.calls()).toHaveLength(0);
  });
});
