import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** An error the CLI prints as one line with its code, never as a stack trace. */
export class LocalCloudError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'LocalCloudError';
  }
}

const MARKER = 'kismo-dev.json';
const FORMAT = 1;

/** Makes sure the state directory is kismo's, in a format this version reads, before anything starts. */
export function checkStateDir(stateDir: string): void {
  if (existsSync(stateDir) && !statSync(stateDir).isDirectory()) {
    throw new LocalCloudError(`${stateDir} is not a directory: pass another --state-dir`, 'STATE_CORRUPT');
  }
  mkdirSync(stateDir, { recursive: true });
  const marker = path.join(stateDir, MARKER);
  if (!existsSync(marker)) {
    writeJsonState(marker, { format: FORMAT, created: new Date().toISOString() });
    return;
  }
  const content = readJsonState<{ format?: unknown }>(marker, {});
  if (content.format !== FORMAT) {
    throw new LocalCloudError(
      `${stateDir} holds state of another format (${String(content.format)}): delete it or pass another --state-dir`,
      'STATE_CORRUPT',
    );
  }
}

/** Reads a JSON state file; a file that exists but is not JSON is corruption, said plainly. */
export function readJsonState<T>(file: string, fallback: T): T {
  if (!existsSync(file)) return fallback;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new LocalCloudError(
      `${file} is corrupt (${(error as Error).message}): delete ${path.dirname(file)} or pass another --state-dir`,
      'STATE_CORRUPT',
    );
  }
}

/** Writes whole or not at all (a crash mid-write never leaves half a file); `mode` for secrets. */
export function writeJsonState(file: string, value: unknown, options: { readonly mode?: number } = {}): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, options);
  renameSync(temporary, file);
}
