import os from 'node:os';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ownerSchema } from '../contracts/kit/correlation';
import { type Profile, resolveProfile } from './config/profiles';
import { CliError } from './errors';
import type { GlobalOptions } from './program';

/** What a command needs to reach kismo: the profile, its S3 client, and who the user is. */
export interface CommandContext {
  readonly profile: Profile;
  readonly s3: S3Client;
  owner(): Promise<string>;
  close(): void;
}

/** Builds clients from the profile: the local cloud's endpoint and dummy credentials, or AWS's own chain. */
export function commandContext(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const profile = resolveProfile(globals.profile, env);
  const local = profile.kind === 'local';
  const common = {
    region: profile.region,
    ...(local ? { endpoint: profile.endpoint, credentials: profile.credentials } : {}),
  };
  const s3 = new S3Client({ ...common, forcePathStyle: local });
  let owner: Promise<string> | undefined;
  return {
    profile,
    s3,
    owner: () => {
      owner ??= local ? Promise.resolve(localOwner(env)) : awsOwner(profile.region);
      return owner;
    },
    close: () => s3.destroy(),
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
async function awsOwner(region: string): Promise<string> {
  const sts = new STSClient({ region });
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

/** Checks the bucket answers, turning "connection refused" into what to do about it. */
export async function assertReachable(context: CommandContext): Promise<void> {
  try {
    await context.s3.send(new HeadBucketCommand({ Bucket: context.profile.bucket }));
  } catch (error) {
    const e = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
    const where =
      context.profile.kind === 'local'
        ? `the local cloud at ${context.profile.endpoint}`
        : `bucket ${context.profile.bucket}`;
    const hint =
      context.profile.kind === 'local'
        ? 'start it with `kismo dev`'
        : 'check your AWS credentials or run `kismo init`';
    if (e.$metadata?.httpStatusCode === 403) {
      throw new CliError('ACCESS_DENIED', `you may not use ${where}: ask an admin to add you to KismoUser`);
    }
    throw new CliError('UNREACHABLE', `cannot reach ${where} (${e.code ?? e.name}): ${hint}`);
  }
}
