import type { ScanOptions } from '../sync/scan';

/** A writable stream that may be a terminal. */
export type Output = NodeJS.WritableStream & { readonly isTTY?: boolean };

/** The process around a push, injectable so tests can drive it without a terminal. */
export interface PushIo {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: NodeJS.ProcessEnv;
  /** Tests replace the readability check: they run as root, who can read anything. */
  readonly scan?: ScanOptions;
  /** Where Ctrl-C comes from. @default process */
  readonly signals?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** The real process. */
export function processIo(): PushIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signals: process,
  };
}
