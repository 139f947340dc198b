import os from 'node:os';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ownerSchema } from '../contracts/kit/correlation';
import { type SmallObjects, smallObjects } from './aws/small-objects';
import { type Profile, resolveProfile } from './config/profiles';
import { CliError } from './errors';
import type { GlobalOptions } from './program';

/** What a command needs to reach kismo: the profile, its clients, and who the user is. */
export interface CommandContext {
  readonly profile: Profile;
  /** kismo's own small objects (records, manifests, status), without the SDK. */
  readonly objects: SmallObjects;
  /** The SDK's S3 client, for listings and transfers: loaded on first use (it takes ~50 ms to load). */
  s3(): Promise<S3Client>;
  owner(): Promise<string>;
  close(): void;
}

/** Builds clients from the profile: the local cloud's endpoint and dummy credentials, or AWS's own chain. */
export function commandContext(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const profile = resolveProfile(globals.profile, env);
  const local = profile.kind === 'local';
  // The local cloud's profile carries its own; otherwise one chain for every client, resolved once.
  const credentials = (local && profile.credentials) || awsCredentials();
  const objects = smallObjects({
    bucket: profile.bucket,
    region: profile.region,
    endpoint: local ? profile.endpoint : undefined,
    credentials,
  });
  let s3: Promise<S3Client> | undefined;
  let built: S3Client | undefined;
  let owner: Promise<string> | undefined;
  return {
    profile,
    objects,
    s3: () => {
      s3 ??= import('@aws-sdk/client-s3').then(({ S3Client }) => {
        built = new S3Client({
          region: profile.region,
          credentials,
          ...(local ? { endpoint: profile.endpoint, forcePathStyle: true } : {}),
        });
        return built;
      });
      return s3;
    },
    owner: () => {
      owner ??= local ? Promise.resolve(localOwner(env)) : awsOwner(profile.region, credentials);
      return owner;
    },
    close: () => {
      objects.close();
      built?.destroy();
    },
  };
}

/** The SDK's default chain (environment, SSO, shared files, roles), loaded and resolved once. */
function awsCredentials(): AwsCredentialIdentityProvider {
  let chain: Promise<AwsCredentialIdentityProvider> | undefined;
  return async () => {
    chain ??= import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => defaultProvider());
    return (await chain)();
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
  region: string,
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
): Promise<string> {
  const { GetCallerIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
  const sts = new STSClient({ region, credentials });
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
    throw new CliError(
      'NO_CREDENTIALS',
      `cannot find who you are on AWS (${(error as Error).message}): run \`kismo init\` or \`kismo dev\``,
    );
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

const BUCKET_TROUBLE = new Set([301, 400, 404]);

/** Checks the bucket answers, turning "connection refused" into what to do about it. */
export async function assertReachable(context: Pick<CommandContext, 'objects' | 'profile'>): Promise<void> {
  await reaching(context, context.objects.checkBucket());
}

/**
 * A command's first request, with its failure told as what to do: the local cloud is not running,
 * the credentials are wrong, or the user is not allowed in. Any other failure is a reachable bucket
 * answering something else, and stays as it is.
 */
export async function reaching<T>(context: Pick<CommandContext, 'profile'>, request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const e = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    // No answer at all, or one about the bucket itself: moved (another region), malformed, missing.
    if (status !== undefined && status !== 403 && !BUCKET_TROUBLE.has(status)) throw error;
    const where =
      context.profile.kind === 'local'
        ? `the local cloud at ${context.profile.endpoint}`
        : `bucket ${context.profile.bucket}`;
    const hint =
      context.profile.kind === 'local'
        ? 'start it with `kismo dev`'
        : 'check your AWS credentials or run `kismo init`';
    if (status === 403) {
      throw new CliError('ACCESS_DENIED', `you may not use ${where}: ask an admin to add you to KismoUser`);
    }
    throw new CliError('UNREACHABLE', `cannot reach ${where} (${e.code ?? e.name}): ${hint}`);
  }
}
