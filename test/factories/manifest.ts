import { createHash } from 'node:crypto';
import type { SessionManifest } from '../../contracts/manifest';
import type { UserDataValuesInput } from '../../userdata/user-data-values';
import { OWNER, SESSION_ID } from './events';

/** Files of a small dataset, by path relative to its folder: text, binary, nested and a space in a name. */
export const SAMPLE_FILES: Readonly<Record<string, Uint8Array>> = {
  'README.md': new TextEncoder().encode('# sample\n'),
  'images/cat 1.bin': Uint8Array.from({ length: 2048 }, (_, i) => (i * 31 + 7) % 256),
  'labels/train.csv': new TextEncoder().encode('id,label\n1,cat\n2,dog\n'),
};

/** What a manifest says of a set of files: how many, their bytes, and the digest `kismo push` computes. */
export function describeFiles(files: Readonly<Record<string, Uint8Array>>): {
  files: number;
  bytes: number;
  digest: string;
} {
  const entries = Object.entries(files).sort(([a], [b]) => a.localeCompare(b));
  const lines = entries.map(
    ([name, body]) => `${name} ${body.byteLength} ${createHash('sha256').update(body).digest('hex')}`,
  );
  return {
    files: entries.length,
    bytes: entries.reduce((sum, [, body]) => sum + body.byteLength, 0),
    digest: createHash('sha256').update(lines.join('\n')).digest('hex'),
  };
}

export interface ManifestOverrides extends Partial<Omit<SessionManifest, 'dataset' | 'options'>> {
  readonly dataset?: Partial<SessionManifest['dataset']>;
  readonly options?: SessionManifest['options'];
}

/** A valid session manifest of OWNER's SESSION_ID over SAMPLE_FILES; parts can be overridden. */
export function sessionManifest(overrides: ManifestOverrides = {}): SessionManifest {
  const owner = overrides.owner ?? OWNER;
  const name = overrides.dataset?.name ?? 'sample';
  return {
    schemaVersion: 1,
    owner,
    sessionId: SESSION_ID,
    createdAt: '2026-11-28T15:30:00Z',
    instanceType: 'p3.2xlarge',
    ...overrides,
    dataset: {
      name,
      prefix: `users/${owner}/datasets/${name}/`,
      ...describeFiles(SAMPLE_FILES),
      ...overrides.dataset,
    },
    options: overrides.options ?? {},
  };
}

/** Values to render the bootstrap with, for OWNER's SESSION_ID over SAMPLE_FILES. */
export function userDataValues(overrides: Partial<UserDataValuesInput> = {}): UserDataValuesInput {
  const { files, bytes } = describeFiles(SAMPLE_FILES);
  return {
    bucket: 'kismo-test',
    region: 'us-east-1',
    owner: OWNER,
    sessionId: SESSION_ID,
    dataset: { name: 'sample', prefix: `users/${OWNER}/datasets/sample/`, files, bytes },
    idleThresholds: { gpu: 5, memory: 10, cpu: 5, sessions: 1 },
    ...overrides,
  };
}
