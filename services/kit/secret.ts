import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * A secret's string, trimmed; `undefined` while it holds none. The stack creates kismo's Slack
 * secrets empty (Secrets Manager then answers ResourceNotFoundException) until an operator sets them.
 */
export async function secretString(region: string, secretArn: string): Promise<string | undefined> {
  const client = new SecretsManagerClient({ region });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    return SecretString?.trim() || undefined;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  } finally {
    client.destroy();
  }
}
