import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as z from 'zod';
import { instanceTypeSchema, ownerSchema } from '../../contracts/kit/correlation';
import { CliError } from '../errors';
import { replaceFile } from '../replace-file';

const profileSchema = z.object({
  /** `local`: the local cloud (`kismo dev`); `aws`: a deployed stack (`kismo init`). */
  kind: z.enum(['local', 'aws']),
  region: z.string().min(1),
  bucket: z.string().min(3),
  busName: z.string().default('kismo'),
  /** Only for the local cloud: AWS profiles take credentials from the environment or roles. */
  endpoint: z.url().optional(),
  credentials: z
    .object({ accessKeyId: z.string(), secretAccessKey: z.string(), sessionToken: z.string().optional() })
    .optional(),
  /**
   * The owner of what this profile pushes. The local cloud's: the person its keys belong to. An
   * AWS profile's: the owner `kismo init` proved for `principal`, or the one given with `--owner`.
   */
  owner: ownerSchema.optional(),
  /** The identity (its ARN) `owner` was proven for: another identity proves its own. */
  principal: z.string().optional(),
  /** The AWS CLI profile whose credentials an AWS profile uses (`kismo init --aws-profile`); the SDK's default chain when absent. */
  awsProfile: z.string().min(1).optional(),
  /** Where the local cloud keeps its state (instances' sandboxes live there). */
  stateDir: z.string().optional(),
  stackName: z.string().optional(),
  /** The instance types this deployment allows (from the stack's configuration); the services' defaults when absent. */
  allowedInstanceTypes: z.array(instanceTypeSchema).min(1).optional(),
});

const configFileSchema = z.object({
  profiles: z.record(z.string(), profileSchema).default({}),
  defaultProfile: z.string().optional(),
});

export type Profile = z.output<typeof profileSchema> & { readonly name: string };
type ConfigFile = z.output<typeof configFileSchema>;

/** `$XDG_CONFIG_HOME/kismo/config.json`, by default `~/.config/kismo/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'kismo', 'config.json');
}

function readConfigFile(file: string): ConfigFile {
  if (!existsSync(file)) return { profiles: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(
      'CONFIG_CORRUPT',
      `${file} is not valid JSON (${(error as Error).message}): fix or delete it`,
    );
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new CliError('CONFIG_CORRUPT', `${file} is invalid (${problems}): fix or delete it`);
  }
  return parsed.data;
}

/** Adds or replaces one profile, keeping the others. */
export function writeProfile(
  name: string,
  profile: z.input<typeof profileSchema>,
  file = configPath(),
): void {
  const config = readConfigFile(file);
  config.profiles[name] = profileSchema.parse(profile);
  config.defaultProfile ??= name;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Local credentials are dummies, but the file may hold more one day: keep it private.
  replaceFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

/** The profile named by `--profile`, else `KISMO_PROFILE`, else the default one. */
export function resolveProfile(
  requested: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  file = configPath(env),
): Profile {
  const config = readConfigFile(file);
  const name = requested ?? env.KISMO_PROFILE ?? config.defaultProfile;
  const known = Object.keys(config.profiles);
  if (!name) {
    throw new CliError(
      'NO_PROFILE',
      'no profile is configured: run `kismo dev` (local cloud) or `kismo init` (AWS)',
    );
  }
  const profile = config.profiles[name];
  if (!profile) {
    const hint =
      name === 'local' ? 'start the local cloud with `kismo dev`' : 'run `kismo init` or `kismo dev`';
    throw new CliError(
      'UNKNOWN_PROFILE',
      `there is no profile named "${name}" in ${file} (known: ${known.join(', ') || 'none'}): ${hint}`,
    );
  }
  return { ...profile, name };
}
