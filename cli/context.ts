import os from 'node:os';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ownerSchema } from '../contracts/kit/correlation';
import { type DataBucket, s3Objects } from '../services/kit/ports/objects';
import { type Profile, resolveProfile } from './config/profiles';
import { CliError } from './errors';
import type { GlobalOptions } from './program';

/** What a command needs to reach kismo: the profile, the data bucket, and who the user is. */
export interface CommandContext {
  readonly profile: Profile;
  /** The data bucket, through the same adapter the services use. */
  readonly objects: DataBucket;
  owner(): Promise<string>;
  close(): void;
}

/** Builds clients from the profile: the local cloud's endpoint and its credentials, or AWS's own chain. */
export function commandContext(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const profile = resolveProfile(globals.profile, env);
  const local = profile.kind === 'local';
  // One chain for every client, resolved once (an SSO or role profile is not asked twice).
  const credentials = (local && profile.credentials) || awsCredentials();
  const s3 = new S3Client({
    region: profile.region,
    credentials,
    ...(local ? { endpoint: profile.endpoint, forcePathStyle: true } : {}),
  });
  let owner: Promise<string> | undefined;
  return {
    profile,
    objects: s3Objects(s3, profile.bucket),
    owner: () => {
      // On the local cloud, the user its keys belong to (older profiles: KISMO_OWNER, or the OS user).
      owner ??= local ? Promise.resolve(profile.owner ?? localOwner(env)) : awsOwner(profile, credentials);
      return owner;
    },
    close: () => s3.destroy(),
  };
}

/** The SDK's whole chain (environment, SSO, shared files, roles), loaded when first asked. */
function awsCredentials(): AwsCredentialIdentityProvider {
  let chain: Promise<AwsCredentialIdentityProvider> | undefined;
  return async (properties) => {
    chain ??= import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => defaultProvider());
    return (await chain)(properties);
  };
}

/** On the local cloud the owner is `KISMO_OWNER`, else the OS user name. */
export function localOwner(env: NodeJS.ProcessEnv = process.env): string {
  return validOwner(
    env.KISMO_OWNER ?? os.userInfo().username,
    env.KISMO_OWNER ? 'KISMO_OWNER' : 'your OS user name',
  );
}

/** On AWS the owner is the IAM user name: the bucket policy scopes each user to `users/${aws:username}/`. */
async function awsOwner(
  profile: Profile,
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
): Promise<string> {
  const { GetCallerIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
  const sts = new STSClient({ region: profile.region, credentials });
  try {
    const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
    const match = /:user\/(?:.*\/)?([^/]+)$/.exec(Arn ?? '');
    if (!match?.[1]) {
      throw new CliError(
        'NOT_AN_IAM_USER',
        `you are signed in as ${Arn}; kismo needs an IAM user in the KismoUser policy (docs/deploy.md)`,
      );
    }
    return validOwner(match[1], 'your IAM user name');
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw explainAwsError(profile, error) ?? error;
  } finally {
    sts.destroy();
  }
}

function validOwner(name: string, origin: string): string {
  const parsed = ownerSchema.safeParse(name);
  if (!parsed.success) {
    throw new CliError(
      'BAD_OWNER',
      `${origin} "${name}" cannot own data: ${parsed.error.issues[0]?.message} (set KISMO_OWNER)`,
    );
  }
  return parsed.data;
}

/**
 * A command's request to AWS (or the local cloud), with a failure told as what to do about it:
 * the local cloud is not running, the credentials or the clock are wrong, the bucket is not
 * there, or the user is not allowed in. Any other failure stays as it is.
 */
export async function reaching<T>(context: Pick<CommandContext, 'profile'>, request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    throw explainAwsError(context.profile, error) ?? error;
  }
}

interface AwsError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Error names that mean "these credentials are not accepted". */
const BAD_CREDENTIALS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
]);
/** Error names that mean "this machine's clock is off" (the SDK corrects a skew and retries first). */
const CLOCK_SKEW = new Set(['RequestTimeTooSkewed', 'RequestExpired', 'RequestInTheFuture']);
/** Network failures: nothing answered. */
const NO_ANSWER = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/** The CliError that says what to do about an AWS error, or `undefined` when it is none of those. */
export function explainAwsError(profile: Profile, error: unknown): CliError | undefined {
  if (error instanceof CliError) return error;
  const e = (error ?? {}) as AwsError;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  const local = profile.kind === 'local';
  const where = local ? `the local cloud at ${profile.endpoint}` : `bucket ${profile.bucket}`;
  if (NO_ANSWER.has(e.code ?? '') || (status === undefined && NO_ANSWER.has(name))) {
    return new CliError(
      'UNREACHABLE',
      `cannot reach ${where} (${e.code ?? name}): ${local ? 'start it with `kismo dev`' : 'check your network'}`,
    );
  }
  if (name === 'CredentialsProviderError') {
    return new CliError(
      'NO_CREDENTIALS',
      local
        ? `profile ${profile.name} holds no credentials for the local cloud: restart \`kismo dev\`, which writes them`
        : `no AWS credentials found (${e.message}): sign in (\`aws configure\` or \`aws sso login\`), then try again`,
    );
  }
  if (CLOCK_SKEW.has(name)) {
    return new CliError(
      'CLOCK_SKEW',
      `${local ? 'the local cloud' : 'AWS'} refused the request because this machine's clock is off (${name}): set the clock right (\`sudo timedatectl set-ntp true\`) and try again`,
    );
  }
  if (BAD_CREDENTIALS.has(name)) {
    return new CliError(
      'BAD_CREDENTIALS',
      local
        ? `${where} does not know the local profile's credentials (${name}): restart \`kismo dev\`, which rewrites the profile`
        : `AWS did not accept your credentials (${name}): check them with \`aws sts get-caller-identity\`, or sign in again`,
    );
  }
  if (name === 'NoSuchBucket') {
    return new CliError(
      'NO_BUCKET',
      local
        ? `${where} has no bucket ${profile.bucket}: restart \`kismo dev\`, which creates it`
        : `bucket ${profile.bucket} does not exist in ${profile.region}: run \`kismo init\` again for the stack you use`,
    );
  }
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || status === 301) {
    return new CliError(
      'WRONG_REGION',
      `bucket ${profile.bucket} is not in ${profile.region}: run \`kismo init\` again, with --region`,
    );
  }
  // A HEAD's 403 has no body to name it: the SDK calls it Unknown (or Forbidden).
  if (
    name === 'AccessDenied' ||
    name === 'AccessDeniedException' ||
    (status === 403 && /^(Forbidden|Unknown)$/.test(name))
  ) {
    return new CliError(
      'ACCESS_DENIED',
      `you may not use ${where}: ask an admin to give you the KismoUser policy (docs/deploy.md)`,
    );
  }
  return undefined;
}
