import { gzipSync } from 'node:zlib';

/**
 * EC2 takes 16 KB of user data. Held to that after base64 (what RunInstances carries), which is
 * stricter than EC2's count of the raw bytes, so a script that passes here passes there.
 */
export const USER_DATA_LIMIT = 16 * 1024;

/** The user data does not fit, even compressed. */
export class UserDataTooLargeError extends Error {
  constructor(readonly size: number) {
    super(
      `the user data is ${size} bytes in base64, EC2 takes at most ${USER_DATA_LIMIT}: shorten the run command (put it in a script inside the dataset and run that)`,
    );
    this.name = 'UserDataTooLargeError';
  }
}

/** The size of user data as RunInstances carries it. */
export function base64Size(script: string): number {
  return Math.ceil(Buffer.byteLength(script, 'utf8') / 3) * 4;
}

/**
 * The same script, gzip-compressed inside a small bash script that unpacks and runs it. The
 * payload is base64 (no quote or `$` in its alphabet) in a quoted heredoc, so it is never parsed.
 * The script runs from a file, not from a pipe, so commands it runs still read a real stdin.
 */
export function gzipWrapper(script: string): string {
  const payload = gzipSync(Buffer.from(script, 'utf8'), { level: 9 }).toString('base64');
  const lines = payload.match(/.{1,76}/g) ?? [];
  return [
    '#!/bin/bash',
    '# kismo bootstrap, gzip-compressed to fit EC2 user data.',
    'set -euo pipefail',
    'script=$(mktemp)',
    'base64 -d <<\'KISMO_GZIP\' | gunzip >"$script"',
    ...lines,
    'KISMO_GZIP',
    'exec bash "$script"',
    '',
  ].join('\n');
}
