import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { secureString } from '../../../services/kit/secret';

describe('secureString', () => {
  const ssm = mockClient(SSMClient);
  beforeEach(() => {
    ssm.reset();
  });

  it('reads the parameter decrypted, and trims what was pasted around it', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({
      Parameter: { Name: '/kismo/slack/bot-token', Type: 'SecureString', Value: ' xoxb-1-2-abc\n' },
    });

    // Act
    const value = await secureString('ap-northeast-1', '/kismo/slack/bot-token');

    // Assess
    expect(value).toBe('xoxb-1-2-abc');
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/kismo/slack/bot-token', WithDecryption: true },
    ]);
    expect(await ssm.call(0).thisValue.config.region()).toBe('ap-northeast-1');
  });

  it('reads a parameter the operator has not created yet as not set', async () => {
    // Prepare
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ $metadata: {}, message: 'not found' }));

    // Act
    const value = await secureString('ap-northeast-1', '/kismo/slack/signing-secret');

    // Assess
    expect(value).toBeUndefined();
  });

  it('reads a value of blanks as not set', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Type: 'SecureString', Value: '  \n' } });

    // Act + Assess
    await expect(secureString('ap-northeast-1', '/kismo/slack/bot-token')).resolves.toBeUndefined();
  });

  it('passes any other error on, so the caller fails rather than runs unconfigured', async () => {
    // Prepare
    ssm.on(GetParameterCommand).rejects(
      Object.assign(new Error('not authorized to perform ssm:GetParameter'), {
        name: 'AccessDeniedException',
      }),
    );

    // Act + Assess
    await expect(secureString('ap-northeast-1', '/kismo/slack/bot-token')).rejects.toThrow(
      'not authorized to perform ssm:GetParameter',
    );
  });
});
