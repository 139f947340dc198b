import { createHash, randomBytes } from 'node:crypto';
import { readJsonState, writeJsonState } from '../state-dir';
import type { Credentials, NamedPolicy, Principal } from './principal';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `length` characters of IAM's id alphabet, random or derived from `seed`. */
function idChars(length: number, seed?: string): string {
  const bytes = seed ? createHash('sha256').update(seed).digest() : randomBytes(length);
  return Array.from({ length }, (_, i) => ALPHABET[(bytes[i % bytes.length] ?? 0) % 32]).join('');
}

interface StoredUser {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

interface Entry {
  readonly principal: Principal;
  readonly credentials: Credentials;
}

/**
 * Who may call the local cloud: IAM users (the people, with access keys kept in the state
 * directory, so their profiles work after a restart) and role sessions (services, instances, with
 * temporary keys for this run). Every request is made as one of them, with their keys.
 */
export class Identities {
  private readonly byKey = new Map<string, Entry>();
  private readonly stored: Record<string, StoredUser>;

  constructor(
    readonly account: string,
    /** Where users' keys are kept; none: new keys each run. */
    private readonly stateFile?: string,
  ) {
    this.stored = stateFile ? readJsonState<Record<string, StoredUser>>(stateFile, {}) : {};
  }

  /** An IAM user with these policies and tags; their keys stay the same from run to run. */
  addUser(
    name: string,
    policies: readonly NamedPolicy[],
    tags: Readonly<Record<string, string>> = {},
    /** Keys of the caller's choosing (the operator's, fixed), instead of generated ones. */
    given?: Credentials,
  ): Credentials {
    const keys = given ??
      this.stored[name] ?? {
        accessKeyId: `AKIA${idChars(16)}`,
        secretAccessKey: randomBytes(30).toString('base64'),
      };
    if (!given && !this.stored[name]) {
      this.stored[name] = keys;
      if (this.stateFile) writeJsonState(this.stateFile, this.stored, { mode: 0o600 });
    }
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

  /** A session of the role `roleName` (as a function or an instance profile gets one), for this run. */
  addRoleSession(
    roleName: string,
    sessionName: string,
    policies: readonly NamedPolicy[],
    tags: Readonly<Record<string, string>> = {},
  ): Credentials {
    const credentials: Credentials = {
      accessKeyId: `ASIA${idChars(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(48).toString('base64'),
    };
    const principal: Principal = {
      arn: `arn:aws:sts::${this.account}:assumed-role/${roleName}/${sessionName}`,
      type: 'AssumedRole',
      userId: `AROA${idChars(17, `role/${roleName}`)}:${sessionName}`,
      roleArn: `arn:aws:iam::${this.account}:role/${roleName}`,
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

  /** The principal a set of credentials belongs to. */
  principalOf(credentials: Credentials): Principal {
    const entry = this.byKey.get(credentials.accessKeyId);
    if (!entry) throw new Error(`no identity holds the access key ${credentials.accessKeyId}`);
    return entry.principal;
  }
}
