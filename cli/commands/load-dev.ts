import { isSea } from 'node:sea';
import { CliError } from '../errors';

/** What a missing module is called, by the loader that misses it (ES modules, CommonJS). */
const MISSING = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/**
 * `kismo dev`'s code: the local cloud and every service. It is a bundle of its own
 * (`cli/dist/kismo-dev.cjs`), built in a checkout and never packed: the `kismo` a user installs
 * talks to a deployed stack, and carries neither the local cloud nor its AGPL-licensed IAM
 * evaluator.
 */
export async function loadDev(): Promise<typeof import('./dev')> {
  const none = new CliError(
    'NO_LOCAL_CLOUD',
    'this kismo has no local cloud: `kismo dev` runs from a checkout of kismo (`npm ci && npm run build:cli && npm link` there); an installed kismo works with a deployed stack (`kismo init`)',
  );
  // A single executable would resolve `./dev` against the path its bundle had on the machine
  // that built it: never load code from there.
  if (isSea()) throw none;
  try {
    return await import('./dev');
  } catch (error) {
    if (MISSING.has(String((error as { code?: unknown }).code))) throw none;
    throw error;
  }
}
