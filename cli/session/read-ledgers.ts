import pLimit from 'p-limit';
import { ownerCostsPrefix, type SessionLedger, sessionLedgerSchema } from '../../contracts/cost-ledger';
import { sessionIdSchema } from '../../contracts/kit/correlation';
import { type CommandContext, explainAwsError } from '../context';
import { CliError } from '../errors';

/** The owner's ledgers, by session, and the sessions whose ledger this kismo cannot read. */
export interface OwnerLedgers {
  readonly ledgers: readonly { readonly sessionId: string; readonly ledger: SessionLedger }[];
  readonly unreadable: readonly string[];
}

/** Ledger reads in flight at once, as for status files: quick for dozens, gentle on S3. */
const READS_AT_ONCE = 8;

/**
 * The cost estimator's ledgers of the owner's sessions, newest first: one listing of
 * `kismo/costs/<owner>/`, then each ledger. Only the owner's own: all IAM lets them read there.
 */
export async function readLedgers(
  context: Pick<CommandContext, 'objects' | 'profile'>,
  owner: string,
): Promise<OwnerLedgers> {
  const prefix = ownerCostsPrefix(owner);
  const limit = pLimit(READS_AT_ONCE);
  try {
    const ids: string[] = [];
    for await (const { key } of context.objects.list(prefix)) {
      const id = key.slice(prefix.length).replace(/\.json$/, '');
      if (key.endsWith('.json') && sessionIdSchema.safeParse(id).success) ids.push(id);
    }
    ids.sort((a, b) => b.localeCompare(a));
    const read = await Promise.all(
      ids.map((sessionId) =>
        limit(async () => {
          const object = await context.objects.get(`${prefix}${sessionId}.json`);
          return { sessionId, parsed: object && parse(object.body) };
        }),
      ),
    );
    return {
      ledgers: read.flatMap(({ sessionId, parsed }) =>
        parsed?.success ? [{ sessionId, ledger: parsed.data }] : [],
      ),
      unreadable: read.filter(({ parsed }) => parsed && !parsed.success).map(({ sessionId }) => sessionId),
    };
  } catch (error) {
    throw explainLedgerFailure(context, owner, error);
  }
}

function parse(body: Uint8Array) {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    json = undefined;
  }
  return sessionLedgerSchema.safeParse(json);
}

/** A refusal on AWS most likely means a stack deployed before `kismo cost`, whose policy lacks the right. */
function explainLedgerFailure(
  context: Pick<CommandContext, 'profile'>,
  owner: string,
  error: unknown,
): unknown {
  const explained = explainAwsError(context.profile, error);
  if (explained?.code === 'ACCESS_DENIED' && context.profile.kind !== 'local') {
    return new CliError(
      'ACCESS_DENIED',
      `IAM refused to let you (${owner}) read your cost ledgers, ${ownerCostsPrefix(owner)}: a stack deployed before \`kismo cost\` does not allow it; ask an administrator to deploy it again (\`npx cdk deploy\`, docs/deploy.md)`,
    );
  }
  return explained ?? error;
}
