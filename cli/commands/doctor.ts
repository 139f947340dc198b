import type { SignIn } from '../aws/owner';
import { commandContext, reaching } from '../context';
import type { GlobalOptions } from '../program';

/**
 * `kismo doctor`: which profile, which owner (and, on AWS, as which identity: an IAM user, an
 * Identity Center user, a role session), and whether kismo answers — the first thing to run when
 * lost. It asks only what a user may do: who they are, and a listing of their own prefix.
 */
export async function doctor(globals: GlobalOptions): Promise<void> {
  const context = commandContext(globals);
  try {
    const proof = await context.ownerProof();
    const owner = await reaching(context, context.owner());
    await reaching(context, first(context.objects.list(`users/${owner}/`, { pageSize: 1 })));
    const result = {
      profile: context.profile.name,
      kind: context.profile.kind,
      region: context.profile.region,
      bucket: context.profile.bucket,
      endpoint: context.profile.endpoint ?? null,
      owner,
      principal: proof?.principal ?? null,
      signIn: proof?.signIn ?? null,
      reachable: true,
    };
    const who = proof ? ` (${SIGN_INS[proof.signIn]} ${proof.principal})` : '';
    process.stdout.write(
      globals.json
        ? `${JSON.stringify(result)}\n`
        : `profile ${result.profile} (${result.kind}) · bucket ${result.bucket} in ${result.region}${
            result.endpoint ? ` at ${result.endpoint}` : ''
          } · you are ${owner}${who} · reachable\n`,
    );
  } finally {
    context.close();
  }
}

const SIGN_INS: Record<SignIn, string> = {
  'iam-user': 'IAM user',
  'identity-center': 'Identity Center user',
  role: 'role session',
};

async function first<T>(items: AsyncIterable<T>): Promise<T | undefined> {
  for await (const item of items) return item;
  return undefined;
}
