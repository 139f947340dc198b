import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

/**
 * A SecureString parameter's value, decrypted and trimmed; `undefined` while it does not exist.
 * CloudFormation cannot create a SecureString, so kismo's Slack parameters exist only once an
 * operator has put them (docs/deploy.md, Slack): until then SSM answers ParameterNotFound.
 */
export async function secureString(region: string, parameterName: string): Promise<string | undefined> {
  const client = new SSMClient({ region });
  try {
    const { Parameter } = await client.send(
      new GetParameterCommand({ Name: parameterName, WithDecryption: true }),
    );
    return Parameter?.Value?.trim() || undefined;
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') return undefined;
    throw error;
  } finally {
    client.destroy();
  }
}
