import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { CLOCK_FILE, localClockSchema, localNow } from '../contracts/local-clock';
import { type DataBucket, s3Objects } from '../services/kit/ports/objects';
import { findOwner, type OwnerProof, signInOf, validOwner } from './aws/owner';
import { type Profile, resolveProfile } from './config/profiles';
import { CliError } from './errors';
import type { GlobalOptions } from './program';

/** What a command needs to reach kismo: the profile, the data bucket, and who the user is. */
export interface CommandContext {
  readonly profile: Profile;
  /** The data bucket, through the same adapter the services use. */
  readonly objects: DataBucket;
  owner(): Promise<string>;
  /** How the owner is known: on AWS, the identity IAM gives it to; on the local cloud, what `kismo dev` wrote. */
  ownerProof(): Promise<OwnerProof | undefined>;
  /** What time it is where the sessions live: AWS's is this machine's; the local cloud's its own clock. */
  now(): Date;
  close(): void;
}

/** Builds clients from the profile: the local cloud's endpoint and its credentials, or AWS's own chain. */
export function commandContext(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const profile = resolveProfile(globals.profile, env);
  const local = profile.kind === 'local';
  // One chain for every client, resolved once (an SSO or role profile is not asked twice).
  const credentials = (local && profile.credentials) || awsCredentials(profile.awsProfile);
  const s3 = new S3Client({
    region: profile.region,
    credentials,
    ...(local ? { endpoint: profile.endpoint, forcePathStyle: true } : {}),
  });
  const objects = s3Objects(s3, profile.bucket);
  let proof: Promise<OwnerProof | undefined> | undefined;
  const ownerProof = () => {
    proof ??= local
      ? Promise.resolve(localProof(profile))
      : reaching(
          { profile },
          findOwner({
            region: profile.region,
            credentials,
            objects,
            known: { owner: profile.owner, principal: profile.principal },
          }),
        );
    return proof;
  };
  return {
    profile,
    objects,
    // On the local cloud, the user its keys belong to (older profiles: KISMO_OWNER, or the OS user).
    owner: async () => (await ownerProof())?.owner ?? profile.owner ?? localOwner(env),
    ownerProof,
    now: () => (local && profile.stateDir ? localCloudNow(profile.stateDir) : new Date()),
    close: () => s3.destroy(),
  };
}

/** The local cloud's time, from the clock file it keeps; this machine's if there is none to read. */
function localCloudNow(stateDir: string): Date {
  try {
    const state = localClockSchema.parse(JSON.parse(readFileSync(path.join(stateDir, CLOCK_FILE), 'utf8')));
    return localNow(state);
  } catch {
    return new Date();
  }
}

/** A local profile's owner and identity, as `kismo dev` made them (it set the tag itself). */
function localProof(profile: Profile): OwnerProof | undefined {
  if (!profile.owner || !profile.principal) return undefined;
  const { signIn } = signInOf(profile.principal);
  return signIn && { owner: profile.owner, principal: profile.principal, signIn, how: 'profile' };
}

/**
 * The SDK's whole chain (environment, SSO, shared files, roles), for the AWS profile named or
 * the default one, loaded when first asked.
 */
export function awsCredentials(awsProfile?: string): AwsCredentialIdentityProvider {
  let chain: Promise<AwsCredentialIdentityProvider> | undefined;
  return async (properties) => {
    chain ??= import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) =>
      defaultProvider(awsProfile ? { profile: awsProfile } : {}),
    );
    return (await chain)(properties);
  };
}

/** On the local cloud the owner is `KISMO_OWNER`, else the OS user name. */
export function localOwner(env: NodeJS.ProcessEnv = process.env): string {
  return validOwner(
    env.KISMO_OWNER ?? os.userInfo().username,
    env.KISMO_OWNER ? 'KISMO_OWNER' : 'your OS user name',
    'set KISMO_OWNER',
  );
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
/** What the SDK's SSO providers say when a sign-in (`aws sso login`) has expired, or never happened. */
const SSO_SIGN_IN = /SSO session|aws sso login|Session token not found or invalid|Token is expired/i;
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
  if (!local && SSO_SIGN_IN.test(e.message ?? '') && /ProviderError$/.test(name)) {
    const awsProfile = profile.awsProfile ?? process.env.AWS_PROFILE;
    return new CliError(
      'SSO_SIGN_IN',
      `your AWS sign-in has expired or was never made (${e.message?.split('. ')[0]}): run \`aws sso login${awsProfile ? ` --profile ${awsProfile}` : ''}\`, then try again`,
    );
  }
  if (!local && e.message === 'Region is missing') {
    return new CliError(
      'NO_REGION',
      'no AWS region is set: pass --region, or give your AWS profile one (`aws configure set region REGION`)',
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
      local
        ? `IAM refused this request on ${where}, as AWS would: \`kismo doctor --profile ${profile.name}\` says who you are and what is yours`
        : `you may not use ${where}: ask an administrator for the KismoUser policy and a kismo-owner (docs/deploy.md); if your owner changed, run \`kismo init\` again`,
    );
  }
  return undefined;
}
