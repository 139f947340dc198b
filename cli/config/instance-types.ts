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
export function describeTypes(types: readonly string[]): string {
  return types.map((t) => `${t} (${formatHourly(t)})`).join(', ');
}

/** Checks a type before anything is sent: the launcher would refuse it anyway, after the upload. */
export function checkInstanceType(type: string, allowed: readonly string[]): string {
  if (!instanceTypeSchema.safeParse(type).success) {
    throw new CliError(
      'UNKNOWN_INSTANCE_TYPE',
      `"${type}" is not an instance type (they look like p3.2xlarge): pick one of ${describeTypes(allowed)}`,
    );
  }
  if (!allowed.includes(type)) {
    throw new CliError(
      'INSTANCE_TYPE_NOT_ALLOWED',
      `${type} is not allowed here: pick one of ${describeTypes(allowed)}, or ask an admin to allow it`,
    );
  }
  return type;
}
