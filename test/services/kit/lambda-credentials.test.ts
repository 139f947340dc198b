import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../../services/kit/lambda-credentials';

const ENV_KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
];

/** A container credentials endpoint on 127.0.0.1, as the Lambda runtime gives one. */
async function credentialsEndpoint(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(String(request.headers.authorization));
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/creds`, requests };
}

describe("a function's default credentials", () => {
  let server: Server | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
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
    const endpoint = await credentialsEndpoint();
    server = endpoint.server;
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', endpoint.url);
    vi.stubEnv('AWS_CONTAINER_AUTHORIZATION_TOKEN', 'runtime-token');

    // Act
    const credentials = await defaultProvider()();

    // Assess
    expect(credentials).toMatchObject({ accessKeyId: 'AKIDCONTAINER', sessionToken: 'token' });
    expect(endpoint.requests).toEqual(['runtime-token']);
  });

  it('fail, saying so, when there are none at all', async () => {
    // Prepare
    clearEnvironment();

    // Act + Assess
    await expect(defaultProvider()()).rejects.toThrow(/AWS_CONTAINER_CREDENTIALS/);
  });
});
