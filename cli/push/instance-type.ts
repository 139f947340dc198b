import { formatHourly } from '../../contracts/prices';
import { allowedInstanceTypes, checkInstanceType, describeTypes } from '../config/instance-types';
import type { Profile } from '../config/profiles';
import { CliError } from '../errors';
import { choose } from '../terminal/prompt';
import type { PushIo } from './io';

/** The `-t` type, checked against the profile's allowed list; without `-t`, a pick from that list on a terminal. */
export async function resolveInstanceType(
  requested: string | undefined,
  profile: Profile,
  interactive: boolean,
  io: PushIo,
): Promise<string> {
  const allowed = allowedInstanceTypes(profile);
  if (requested !== undefined) return checkInstanceType(requested, allowed, profile.region);
  if (!interactive) {
    throw new CliError('NO_INSTANCE_TYPE', `pass -t TYPE, one of ${describeTypes(allowed, profile.region)}`);
  }
  const picked = await choose(
    { input: io.stdin, output: io.stderr },
    'Which instance type?',
    allowed.map((t) => ({ value: t, label: `${t.padEnd(14)} ${formatHourly(t, profile.region)}` })),
  );
  if (!picked)
    throw new CliError(
      'NO_INSTANCE_TYPE',
      `no type picked: pass -t TYPE, one of ${describeTypes(allowed, profile.region)}`,
    );
  return picked;
}
