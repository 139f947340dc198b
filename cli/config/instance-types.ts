import { DEFAULT_INSTANCE_TYPES } from '../../contracts/instance-types';
import { instanceTypeSchema } from '../../contracts/kit/correlation';
import { formatHourly } from '../../contracts/prices';
import { CliError } from '../errors';
import type { Profile } from './profiles';

/** The types a profile may launch: its own list (an AWS stack's configuration), else the services' defaults. */
export function allowedInstanceTypes(profile: Pick<Profile, 'allowedInstanceTypes'>): readonly string[] {
  return profile.allowedInstanceTypes ?? DEFAULT_INSTANCE_TYPES;
}

/** `g4dn.xlarge ($0.526/h), p3.2xlarge ($3.06/h)` */
export function describeTypes(types: readonly string[], region: string): string {
  return types.map((t) => `${t} (${formatHourly(t, region)})`).join(', ');
}

/**
 * Checks a type before anything is sent (the launcher would refuse it anyway, after the upload),
 * as people type it: in any case (`P3.2XLARGE` is `p3.2xlarge`), and with a suggestion for a near
 * miss (`p3.2xlarg`: did you mean p3.2xlarge?).
 *
 * @returns the type as AWS spells it
 */
export function checkInstanceType(typed: string, allowed: readonly string[], region: string): string {
  const type = typed.trim().toLowerCase();
  if (allowed.includes(type)) return type;
  const near = nearest(type, allowed);
  if (near) {
    throw new CliError(
      'INSTANCE_TYPE_NOT_ALLOWED',
      `${typed} is not a type kismo allows here: did you mean ${near} (${formatHourly(near, region)})? Allowed: ${describeTypes(allowed, region)}`,
    );
  }
  if (!instanceTypeSchema.safeParse(type).success) {
    throw new CliError(
      'UNKNOWN_INSTANCE_TYPE',
      `"${typed}" is not an instance type (they look like p3.2xlarge): pick one of ${describeTypes(allowed, region)}`,
    );
  }
  throw new CliError(
    'INSTANCE_TYPE_NOT_ALLOWED',
    `${type} is not allowed here: pick one of ${describeTypes(allowed, region)}, or ask an administrator to allow it (cdk.json allowedInstanceTypes)`,
  );
}

/** The allowed type within two edits of `type` (a typo), if exactly one is nearest. */
function nearest(type: string, allowed: readonly string[]): string | undefined {
  const scored = allowed.map((candidate) => ({ candidate, distance: editDistance(type, candidate) }));
  const best = Math.min(...scored.map((s) => s.distance));
  const closest = scored.filter((s) => s.distance === best);
  return best <= 2 && closest.length === 1 ? closest[0]?.candidate : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions to turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
