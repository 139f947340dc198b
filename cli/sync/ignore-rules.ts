import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const IGNORE_FILE = '.kismoignore';

/** Decides, for a `/`-separated path relative to the folder, whether it stays out of the dataset. */
export type IgnoreTest = (relativePath: string, isDirectory: boolean) => boolean;

/**
 * The folder's `.kismoignore` (gitignore syntax). kismo's own files never travel: the ignore file
 * itself and a `.kismo/` folder (the local cloud's state when someone pushes a project root).
 */
export async function loadIgnoreRules(root: string): Promise<IgnoreTest> {
  const file = path.join(root, IGNORE_FILE);
  // Without a .kismoignore, the two names below are all there is to match, and only at the top:
  // no matcher for each of the folder's paths (a third of a re-push's scan).
  if (!existsSync(file))
    return (relativePath, isDirectory) => relativePath === (isDirectory ? '.kismo' : IGNORE_FILE);
  const { default: ignore } = await import('ignore');
  const rules = ignore()
    .add(['/.kismo/', `/${IGNORE_FILE}`])
    .add(readFileSync(file, 'utf8'));
  return (relativePath, isDirectory) => rules.ignores(isDirectory ? `${relativePath}/` : relativePath);
}
