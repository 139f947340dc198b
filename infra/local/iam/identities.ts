import { createHash, randomBytes } from 'node:crypto';
import { readJsonState, writeJsonState } from '../state-dir';
import type { Credentials, NamedPolicy, Principal } from './principal';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `length` characters of IAM's id alphabet, random or derived from `seed`. */
function idChars(length: number, seed?: string): string {
  const bytes = seed ? createHash('sha256').update(seed).digest() : randomBytes(length);
  return Array.from({ length }, (_, i) => ALPHABET[(bytes[i % bytes.length] ?? 0) % 32]).join('');
}

/** Keys kept between runs: a user's access key, or a person's session (with its token). */
interface StoredKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A role, as a session of it names it: its name and its path (`/` unless told). */
export interface RoleName {
  readonly name: string;
  readonly path?: string;
}

interface Entry {
  readonly principal: Principal;
  readonly credentials: Credentials;
}

/**
 * Who may call the local cloud: IAM users and people's role sessions (Identity Center's), with
 * keys kept in the state directory so their profiles work after a restart, and the sessions of
 * services and instances, with temporary keys for this run. Every request is made as one of them,
 * with their keys.
 */
export class Identities {
  private readonly byKey = new Map<string, Entry>();
  /** By user name, or `session/<role>/<session name>` for a person's session. */
  private readonly stored: Record<string, StoredKeys>;

  constructor(
    readonly account: string,
    /** Where people's keys are kept; none: new keys each run. */
    private readonly stateFile?: string,
  ) {
    this.stored = stateFile ? readJsonState<Record<string, StoredKeys>>(stateFile, {}) : {};
  }

  /** The keys stored under `id`, or new ones, stored. */
  private keep(id: string, fresh: () => StoredKeys): StoredKeys {
    const known = this.stored[id];
    if (known) return known;
    const keys = fresh();
    this.stored[id] = keys;
    if (this.stateFile) writeJsonState(this.stateFile, this.stored, { mode: 0o600 });
    return keys;
  }

  /** An IAM user with these policies and tags; their keys stay the same from run to run. */
  addUser(
    name: string,
    policies: readonly NamedPolicy[],
    tags: Readonly<Record<string, string>> = {},
    /** Keys of the caller's choosing (the operator's, fixed), instead of generated ones. */
    given?: Credentials,
  ): Credentials {
    const keys =
      given ??
      this.keep(name, () => ({
        accessKeyId: `AKIA${idChars(16)}`,
        secretAccessKey: randomBytes(30).toString('base64'),
      }));
    const principal: Principal = {
      arn: `arn:aws:iam::${this.account}:user/${name}`,
      type: 'User',
      userId: `AIDA${idChars(17, `user/${name}`)}`,
      username: name,
      tags,
      policies,
    };
    this.byKey.set(keys.accessKeyId, { principal, credentials: keys });
    return keys;
  }

  /**
   * A session of a role, with the session's tags (its `aws:PrincipalTag/…`). For this run (a
   * function's, an instance profile's), or `kept` between runs, as a person's session is.
   */
  addRoleSession(
    role: string | RoleName,
    sessionName: string,
    policies: readonly NamedPolicy[],
    tags: Readonly<Record<string, string>> = {},
    { kept = false }: { readonly kept?: boolean } = {},
  ): Credentials {
    const { name, path = '/' } = typeof role === 'string' ? { name: role } : role;
    const fresh = () => ({
      accessKeyId: `ASIA${idChars(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(48).toString('base64'),
    });
    const credentials = kept ? this.keep(`session/${name}/${sessionName}`, fresh) : fresh();
    const principal: Principal = {
      arn: `arn:aws:sts::${this.account}:assumed-role/${name}/${sessionName}`,
      type: 'AssumedRole',
      userId: `AROA${idChars(17, `role/${name}`)}:${sessionName}`,
      roleArn: `arn:aws:iam::${this.account}:role${path}${name}`,
      tags,
      policies,
    };
    this.byKey.set(credentials.accessKeyId, { principal, credentials });
    return credentials;
  }

  /** Whose keys these are; `undefined` for keys the local cloud never issued. */
  lookup(accessKeyId: string): Entry | undefined {
    return this.byKey.get(accessKeyId);
  }

  /** The IAM user of this name, if there is one. */
  user(name: string): Principal | undefined {
    for (const { principal } of this.byKey.values()) {
      if (principal.type === 'User' && principal.username === name) return principal;
    }
    return undefined;
  }

  /** The principal a set of credentials belongs to. */
  principalOf(credentials: Credentials): Principal {
    const entry = this.byKey.get(credentials.accessKeyId);
    if (!entry) throw new Error(`no identity holds the access key ${credentials.accessKeyId}`);
    return entry.principal;
  }
}
