import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/** Which sync an index belongs to: one folder to one prefix of one bucket behind one endpoint. */
export interface IndexIdentity {
  readonly root: string;
  /** The local cloud's endpoint, or `aws`. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly prefix: string;
}

/**
 * `$XDG_STATE_HOME/kismo/index/<hash>.json` (by default under `~/.local/state`). Kept out of the
 * data folder, which may be read-only or shared, and which would otherwise carry kismo's
 * bookkeeping into the dataset. The hash keys it by folder, endpoint, bucket and prefix, so a
 * push of the same folder to the local cloud and to AWS never trusts the other's record.
 */
export function indexPath(identity: IndexIdentity, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  const key = createHash('sha256')
    .update(JSON.stringify([identity.root, identity.endpoint, identity.bucket, identity.prefix]))
    .digest('hex')
    .slice(0, 32);
  return path.join(base, 'kismo', 'index', `${key}.json`);
}
