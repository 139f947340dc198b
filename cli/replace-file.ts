import { renameSync, writeFileSync } from 'node:fs';

/**
 * Writes `text` to `file` through a temporary file renamed over it: a reader, or a process killed
 * mid-write, finds the old content or the new, never half of either.
 */
export function replaceFile(file: string, text: string, options: { readonly mode?: number } = {}): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, options);
  renameSync(temporary, file);
}
