import { fromEnv } from '@aws-sdk/credential-provider-env';
import { fromHttp } from '@aws-sdk/credential-provider-http';

type ProviderInit = Parameters<typeof fromEnv>[0] & Parameters<typeof fromHttp>[0];
type Provider = ReturnType<typeof fromHttp>;

/**
 * The default credentials of every SDK client in a function bundle, in place of the SDK's chain
 * (`@aws-sdk/credential-provider-node`; the bundler swaps it, see `lambdaCredentials`). A Lambda
 * function's role credentials are in its environment, or behind the container credentials
 * endpoint where the runtime gives one; the SDK's chain also carries SSO, profiles, web identity
 * and process providers, with the STS and SSO clients they need: 100 KiB of every bundle that
 * Lambda compiles at each cold start and never runs. The client memoizes and refreshes what this
 * returns.
 */
export const defaultProvider =
  (init: ProviderInit = {}): Provider =>
  async (properties) => {
    try {
      return await fromEnv(init)();
    } catch (error) {
      if (!isTryNext(error)) throw error;
    }
    return fromHttp(init)(properties);
  };

/** A provider's "not here, ask the next one". */
function isTryNext(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'CredentialsProviderError' &&
    (error as { tryNextLink?: boolean }).tryNextLink !== false
  );
}
