import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { OWNER_TAG, ownerSchema } from '../../contracts/kit/correlation';
import type { Objects } from '../../services/kit/ports/objects';
import { CliError } from '../errors';

/** How a person signed in, as the ARN STS gives for them says. */
export type SignIn = 'iam-user' | 'identity-center' | 'role';

/** Who the CLI acts as, and how it knows: the owner IAM gives this identity. */
export interface OwnerProof {
  readonly owner: string;
  /** The caller's ARN (`sts:GetCallerIdentity`). */
  readonly principal: string;
  readonly signIn: SignIn;
  /**
   * `tag`: the IAM user's own `kismo-owner` tag; `listing`: IAM let this identity list
   * `users/<owner>/`, which the KismoUser policy allows only to the owner it names;
   * `profile`: proven so before, for this same principal (`kismo init`).
   */
  readonly how: 'tag' | 'listing' | 'profile';
}

export interface FindOwner {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The data bucket, to prove an owner by listing its folder. */
  readonly objects: Pick<Objects, 'list'>;
  /** What the profile says: the owner proven before, and for which principal. */
  readonly known?: { readonly owner?: string; readonly principal?: string };
  /** The owner the person says is theirs (`kismo init --owner`): proven like any other. */
  readonly claimed?: string;
}

const IDENTITY_CENTER_ROLE = /^AWSReservedSSO_/;

/** What an ARN from `GetCallerIdentity` says of the caller. */
export function signInOf(
  arn: string,
): { signIn: SignIn; name: string } | { signIn: undefined; what: string } {
  const user = /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (user?.[1]) return { signIn: 'iam-user', name: user[1] };
  const session = /^arn:[^:]+:sts::\d{12}:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  if (session?.[1] && session[2]) {
    return {
      signIn: IDENTITY_CENTER_ROLE.test(session[1]) ? 'identity-center' : 'role',
      name: session[2],
    };
  }
  if (/:root$/.test(arn)) return { signIn: undefined, what: "the account's root user" };
  return { signIn: undefined, what: arn };
}

/**
 * The owner of everything the CLI does: the `kismo-owner` tag IAM scopes this identity's rights
 * to. An IAM user reads their own tag. A session (Identity Center, a federated role) cannot read
 * its session tags (no AWS API returns them), so the owner it names (the profile's, else the
 * session name, which Identity Center sets to the user name) is proven by listing
 * `users/<owner>/`: KismoUser allows that listing only to the owner its tag names.
 *
 * @throws CliError `NO_OWNER` when this identity has no owner in kismo, with who can fix it and how
 */
export async function findOwner(options: FindOwner): Promise<OwnerProof> {
  const { GetCallerIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
  const sts = new STSClient({ region: options.region, credentials: options.credentials });
  let principal: string;
  try {
    principal = (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '';
  } finally {
    sts.destroy();
  }
  const known = options.known ?? {};
  const identity = signInOf(principal);
  if (identity.signIn === undefined) {
    throw new CliError(
      'NOT_A_PERSON',
      `you are signed in as ${identity.what}: sign in as yourself (an IAM user or an Identity Center user with the KismoUser policy), e.g. \`aws sso login\` (docs/deploy.md)`,
    );
  }
  const { signIn, name } = identity;
  if (known.owner && known.principal === principal) {
    return { owner: known.owner, principal, signIn, how: 'profile' };
  }
  if (signIn === 'iam-user') {
    const tagged = await userTag(options, name);
    if (tagged.found) {
      if (tagged.owner === undefined) {
        throw new CliError(
          'NO_OWNER',
          `your IAM user ${name} has no ${OWNER_TAG} tag, so IAM gives you no folder in kismo: ask an administrator to tag it (\`aws iam tag-user --user-name ${name} --tags Key=${OWNER_TAG},Value=${name}\`, docs/deploy.md step 6)`,
        );
      }
      const owner = validOwner(tagged.owner, `the ${OWNER_TAG} tag of IAM user ${name}`, ADMIN_NAMES);
      if (options.claimed && options.claimed !== owner) {
        throw new CliError(
          'NOT_YOUR_OWNER',
          `your IAM user ${name} is tagged ${OWNER_TAG}=${owner}, not ${options.claimed}: leave out --owner, or ask an administrator (docs/deploy.md)`,
        );
      }
      return { owner, principal, signIn, how: 'tag' };
    }
  }
  const candidate = validOwner(
    options.claimed ?? name,
    options.claimed ? '--owner' : 'your session name',
    options.claimed ? 'give your owner as an administrator named it' : ADMIN_NAMES,
  );
  if (await mayList(options.objects, candidate))
    return { owner: candidate, principal, signIn, how: 'listing' };
  const fix =
    signIn === 'identity-center'
      ? `Ask an administrator to map ${OWNER_TAG} in Identity Center's attributes for access control (docs/deploy.md)`
      : `Ask an administrator to give your role's sessions a ${OWNER_TAG} tag (docs/deploy.md)`;
  throw new CliError(
    'NO_OWNER',
    `IAM gives ${principal} no folder users/${candidate}/: its ${OWNER_TAG} is missing, or is not "${candidate}". ${fix}; or, if your owner has another name, run \`kismo init --owner NAME\``,
  );
}

/** An IAM user's own `kismo-owner` tag; `found: false` when IAM does not let them read it (an older KismoUser). */
async function userTag(
  options: FindOwner,
  userName: string,
): Promise<{ found: true; owner: string | undefined } | { found: false }> {
  const { IAMClient, ListUserTagsCommand } = await import('@aws-sdk/client-iam');
  const iam = new IAMClient({ region: options.region, credentials: options.credentials });
  try {
    const { Tags = [] } = await iam.send(new ListUserTagsCommand({ UserName: userName }));
    // IAM's tag keys ignore case, as IAM itself does when it resolves the policy's variable.
    const tag = Tags.find((t) => t.Key?.toLowerCase() === OWNER_TAG);
    return { found: true, owner: tag?.Value };
  } catch (error) {
    if (isAccessDenied(error)) return { found: false };
    throw error;
  } finally {
    iam.destroy();
  }
}

/** Whether IAM lets this identity list `users/<owner>/`, which KismoUser allows its owner only. */
async function mayList(objects: Pick<Objects, 'list'>, owner: string): Promise<boolean> {
  try {
    for await (const _ of objects.list(`users/${owner}/`, { pageSize: 1 })) break;
    return true;
  } catch (error) {
    if (isAccessDenied(error)) return false;
    throw error;
  }
}

function isAccessDenied(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? '';
  return name === 'AccessDenied' || name === 'AccessDeniedException';
}

const ADMIN_NAMES = 'an administrator names owners (docs/deploy.md)';

/** `name` as an owner, or `BAD_OWNER` saying where it came from and who can fix it. */
export function validOwner(name: string, origin: string, fix: string): string {
  const parsed = ownerSchema.safeParse(name);
  if (!parsed.success) {
    throw new CliError(
      'BAD_OWNER',
      `${origin} "${name}" cannot own data: ${parsed.error.issues[0]?.message} (${fix})`,
    );
  }
  return parsed.data;
}
