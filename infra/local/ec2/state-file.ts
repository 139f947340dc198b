// The simulated EC2's instances on disk, so `kismo dev` finds its instances again after a restart.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { LocalCloudError } from '../state-dir';
import { type InstanceRecord, instanceRecordSchema } from './instance-record';

const stateFileSchema = z.object({
  version: z.literal(1),
  instances: z.array(instanceRecordSchema),
});

/** The saved instances; none when the file does not exist yet. Throws when it cannot be read back. */
export function loadInstances(file: string): InstanceRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    return stateFileSchema.parse(JSON.parse(text)).instances;
  } catch (error) {
    const reason = error instanceof z.ZodError ? 'unexpected content' : (error as Error).message;
    throw new LocalCloudError(
      `the simulated EC2 state file ${file} is corrupt (${reason}): delete it, or pass another --state-dir`,
      'STATE_CORRUPT',
    );
  }
}

/**
 * Saves the instances. Written to a temporary file and renamed over the old one, so a crash
 * mid-write leaves the previous state rather than half a file.
 */
export function saveInstances(file: string, instances: readonly InstanceRecord[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ version: 1, instances }, null, 2)}\n`);
  renameSync(temporary, file);
}
