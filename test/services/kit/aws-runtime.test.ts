import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsPorts } from '../../../services/kit/aws-runtime';
import { parseConfig } from '../../../services/kit/config';
import { lazyPort } from '../../../services/kit/lazy-port';
import { portMakers } from '../../../services/kit/port-makers';

const config = parseConfig({ bucket: 'kismo-data' });

describe('the AWS runtime', () => {
  const s3 = mockClient(S3Client);
  const ssm = mockClient(SSMClient);
  beforeEach(() => {
    s3.reset();
    ssm.reset();
  });

  it('loads an adapter on its first call and reuses it', async () => {
    // Prepare
    let loads = 0;
    const port = lazyPort(async () => {
      loads++;
      return {
        get: async (key: string) => `value of ${key}`,
        async *list() {
          yield 'a';
          yield 'b';
        },
      };
    });

    // Act
    const first = await port.get('x');
    const listed: string[] = [];
    for await (const item of port.list()) listed.push(item);

    // Assess
    expect(first).toBe('value of x');
    expect(listed).toEqual(['a', 'b']);
    expect(loads).toBe(1);
  });

  it('reads objects from the configured bucket', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(
      Object.assign(new Error('missing'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }),
    );
    const ports = awsPorts(config, {});

    // Act
    const found = await ports.objects.get('users/ada/sessions/x/status.json');

    // Assess
    expect(found).toBeUndefined();
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'kismo-data',
      Key: 'users/ada/sessions/x/status.json',
    });
  });

  it('logs chat messages instead of failing while the Slack token’s parameter does not exist yet', async () => {
    // Prepare: the stack cannot create a SecureString; the operator has not put it yet.
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ $metadata: {}, message: 'not found' }));
    const ports = awsPorts(config, { SLACK_TOKEN_PARAMETER: '/kismo/slack/bot-token' });

    // Act
    const first = await ports.chat.post({ channel: '#kismo', text: 'hello' });
    const second = await ports.chat.post({ channel: '#kismo', text: 'again' });

    // Assess: read once, decrypted, for the life of the port.
    expect(first.ts).toMatch(/^\d+/);
    expect(second.ts).toMatch(/^\d+/);
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/kismo/slack/bot-token', WithDecryption: true },
    ]);
  });

  it('fails a chat message when the parameter cannot be read for another reason, so SQS retries it', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const ports = awsPorts(config, { SLACK_TOKEN_PARAMETER: '/kismo/slack/bot-token' });

    // Act + Assess
    await expect(ports.chat.post({ channel: '#kismo', text: 'hello' })).rejects.toThrow('denied');
  });

  it('refuses the ports its bundle was built without, and makes the others', async () => {
    // Prepare: a bundle for a service that uses the bucket only.
    s3.on(GetObjectCommand).rejects(
      Object.assign(new Error('missing'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }),
    );
    const ports = awsPorts(config, {}, { objects: portMakers.objects });

    // Act + Assess
    await expect(ports.objects.get('users/ada/sessions/x/status.json')).resolves.toBeUndefined();
    await expect(ports.chat.post({ channel: '#kismo', text: 'hello' })).rejects.toThrow(
      'this function was bundled without the chat port',
    );
    expect(ssm.calls()).toHaveLength(0);
  });
});
