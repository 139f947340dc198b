import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../../services/kit/lambda-credentials';
import { type RecordingServer, startRecordingServer } from '../../support/recording-server';

const ENV_KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
];

/** A container credentials endpoint on 127.0.0.1, as the Lambda runtime gives one. */
function credentialsEndpoint(): Promise<RecordingServer> {
  return startRecordingServer((_, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        AccessKeyId: 'AKIDCONTAINER',
        SecretAccessKey: 'secret',
        Token: 'token',
        Expiration: new Date(Date.now() + 3600_000).toISOString(),
      }),
    );
  });
}

describe("a function's default credentials", () => {
  let server: RecordingServer | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    await server?.close();
    server = undefined;
  });
  const clearEnvironment = () => {
    for (const key of ENV_KEYS) vi.stubEnv(key, undefined);
  };

  it('are the role credentials Lambda puts in the environment', async () => {
    // Prepare
    clearEnvironment();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'session');

    // Act
    const credentials = await defaultProvider()();

    // Assess
    expect(credentials).toMatchObject({ accessKeyId: 'AKIDENV', sessionToken: 'session' });
  });

  it('come from the container credentials endpoint when the environment has none', async () => {
    // Prepare
    clearEnvironment();
    server = await credentialsEndpoint();
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', `${server.endpoint}/creds`);
    vi.stubEnv('AWS_CONTAINER_AUTHORIZATION_TOKEN', 'runtime-token');

    // Act
    const credentials = await defaultProvider()();

    // Assess
    expect(credentials).toMatchObject({ accessKeyId: 'AKIDCONTAINER', sessionToken: 'token' });
    expect(server.seen.map((request) => [request.url, request.headers.authorization])).toEqual([
      ['/creds', 'runtime-token'],
    ]);
  });

  it('fail, saying so, when there are none at all', async () => {
    // Prepare
    clearEnvironment();

    // Act + Assess
    await expect(defaultProvider()()).rejects.toThrow(/AWS_CONTAINER_CREDENTIALS/);
  });
});
