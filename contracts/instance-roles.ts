import { ownerSchema } from './kit/correlation';

/**
 * Each owner's instances run with a role of their own, which reaches that owner's prefix and no
 * other: the stack creates one (with its instance profile) per owner its configuration lists, and
 * the launcher starts every instance with its owner's. Everyone with a shell on an instance holds
 * its credentials, so they may do no more than the owner may.
 */
export const INSTANCE_ROLE_PATH = '/kismo/owners/';

const PREFIX = 'kismo-owner-';
/** IAM role names are at most 64 characters. */
const MAX_ROLE_NAME = 64;
export const MAX_INSTANCE_OWNER_LENGTH = MAX_ROLE_NAME - PREFIX.length;

/** The name of an owner's instance role and instance profile: `kismo-owner-<owner>`. */
export function instanceRoleName(owner: string): string {
  const valid = ownerSchema.parse(owner);
  if (valid.length > MAX_INSTANCE_OWNER_LENGTH) {
    throw new Error(
      `owner "${owner}" is longer than ${MAX_INSTANCE_OWNER_LENGTH} characters: an instance role cannot be named after it`,
    );
  }
  return `${PREFIX}${valid}`;
}
