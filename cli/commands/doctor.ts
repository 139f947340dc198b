import { assertReachable, commandContext } from '../context';
import type { GlobalOptions } from '../program';

/** `kismo doctor`: which profile, which owner, and whether kismo answers — the first thing to run when lost. */
export async function doctor(globals: GlobalOptions): Promise<void> {
  const context = commandContext(globals);
  try {
    await assertReachable(context);
    const owner = await context.owner();
    const result = {
      profile: context.profile.name,
      kind: context.profile.kind,
      region: context.profile.region,
      bucket: context.profile.bucket,
      endpoint: context.profile.endpoint ?? null,
      owner,
      reachable: true,
    };
    process.stdout.write(
      globals.json
        ? `${JSON.stringify(result)}\n`
        : `profile ${result.profile} (${result.kind}) · bucket ${result.bucket} in ${result.region}${
            result.endpoint ? ` at ${result.endpoint}` : ''
          } · you are ${owner} · reachable\n`,
    );
  } finally {
    context.close();
  }
}
