import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';

export const IGNORE_FILE = '.kismoignore';

/** Decides, for a `/`-separated path relative to the folder, whether it stays out of the dataset. */
export type IgnoreTest = (relativePath: string, isDirectory: boolean) => boolean;

/**
 * The folder's `.kismoignore` (gitignore syntax). kismo's own files never travel: the ignore file
 * itself and a `.kismo/` folder (the local cloud's state when someone pushes a project root).
 */
export function loadIgnoreRules(root: string): IgnoreTest {
  const rules = ignore().add(['/.kismo/', `/${IGNORE_FILE}`]);
  const file = path.join(root, IGNORE_FILE);
  if (existsSync(file)) rules.add(readFileSync(file, 'utf8'));
  return (relativePath, isDirectory) => rules.ignores(isDirectory ? `${relativePath}/` : relativePath);
}
