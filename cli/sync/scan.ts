import { accessSync, constants, type Dirent, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CliError } from '../errors';
import { loadIgnoreRules } from './ignore-rules';
import type { LocalFile } from './local-file';

export interface ScanOptions {
  /** Whether the current user may read a file. Injected by tests, which run as root. */
  readonly canRead?: (absolutePath: string, stats: Stats) => boolean;
}

/** The folder's regular files, minus `.kismoignore`d ones, sorted by path. */
export interface ScanResult {
  readonly root: string;
  readonly files: readonly LocalFile[];
  readonly bytes: number;
}

interface Problem {
  readonly path: string;
  readonly reason: string;
}

const SHOWN = 10;

/**
 * Walks the folder, following symbolic links (a link back to one of its own ancestors is a loop:
 * an error, not an endless walk). Every unreadable file is collected, so one error lists them all.
 * The stat calls are synchronous (microseconds each, less than a trip through the thread pool);
 * the walk lets the event loop turn once per folder, so requests started before it (the push's
 * sync record) go out and come back meanwhile.
 */
export async function scanFolder(folder: string, options: ScanOptions = {}): Promise<ScanResult> {
  const root = resolveRoot(folder);
  const ignored = await loadIgnoreRules(root);
  const canRead = options.canRead ?? readable;
  const files: LocalFile[] = [];
  const problems: Problem[] = [];

  // `real` is the directory's resolved path: links are compared by where they lead.
  const walk = async (
    directory: string,
    real: string,
    relative: string,
    ancestors: ReadonlySet<string>,
  ): Promise<void> => {
    await nextTurn();
    let entries: Dirent[];
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      problems.push({
        path: `${relative || '.'}/`,
        reason: (error as NodeJS.ErrnoException).code ?? 'unreadable',
      });
      return;
    }
    for (const entry of entries) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      // `directory` is absolute and normalized already: a join would only cost time (2,000 files: 8 ms).
      const absolute = `${directory}/${entry.name}`;
      let stats: Stats;
      try {
        stats = statSync(absolute);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ELOOP' && !ignored(rel, false)) {
          throw new CliError(
            'SYMLINK_LOOP',
            `${rel} is a symbolic link that leads to itself: remove it or add it to .kismoignore`,
          );
        }
        if (!ignored(rel, false)) {
          problems.push({
            path: rel,
            reason: code === 'ENOENT' ? 'a broken symbolic link' : (code ?? 'unreadable'),
          });
        }
        continue;
      }
      if (stats.isDirectory()) {
        if (ignored(rel, true)) continue;
        const target = entry.isSymbolicLink() ? realpathSync(absolute) : path.join(real, entry.name);
        if (ancestors.has(target)) {
          throw new CliError(
            'SYMLINK_LOOP',
            `${rel} links back to ${path.relative(root, target) || '.'} (a loop): remove the link or add it to .kismoignore`,
          );
        }
        await walk(absolute, target, rel, new Set([...ancestors, target]));
        continue;
      }
      if (ignored(rel, false)) continue;
      if (!stats.isFile()) {
        problems.push({ path: rel, reason: 'not a regular file' });
      } else if (/[\p{Cc}]/u.test(rel)) {
        problems.push({ path: JSON.stringify(rel), reason: 'a control character in its name' });
      } else if (!canRead(absolute, stats)) {
        problems.push({ path: rel, reason: 'permission denied' });
      } else {
        files.push({ path: rel, absolutePath: absolute, size: stats.size, mtimeMs: stats.mtimeMs });
      }
    }
  };
  await walk(root, root, '', new Set([root]));

  if (problems.length > 0) {
    const shown = problems.slice(0, SHOWN).map((p) => `${p.path} (${p.reason})`);
    const more = problems.length > SHOWN ? ` and ${problems.length - SHOWN} more` : '';
    throw new CliError(
      'UNREADABLE_FILES',
      `${problems.length} ${problems.length === 1 ? 'file' : 'files'} cannot be pushed: ${shown.join(', ')}${more}: fix them or list them in .kismoignore`,
    );
  }
  if (files.length === 0) {
    throw new CliError(
      'EMPTY_FOLDER',
      `${folder} holds no files to push (after .kismoignore): pass another folder`,
    );
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, files, bytes: files.reduce((sum, f) => sum + f.size, 0) };
}

function resolveRoot(folder: string): string {
  let stats: Stats;
  try {
    stats = statSync(folder);
  } catch {
    throw new CliError('NO_SUCH_FOLDER', `${folder} does not exist: pass the folder that holds your data`);
  }
  if (!stats.isDirectory()) {
    throw new CliError('NOT_A_FOLDER', `${folder} is a file, not a folder: pass the folder that holds it`);
  }
  return realpathSync(folder);
}

const user = process.getuid?.();
const groups = new Set([process.getgid?.(), ...(process.getgroups?.() ?? [])]);

/**
 * Whether this user may read the file: its mode bits say so for almost every file, from the stat
 * the walk made anyway; only a file they seem to deny is asked of the kernel (an ACL may grant it).
 * An access(2) per file cost as much as the stat itself: 90 ms in a folder of 20,000.
 */
function readable(absolutePath: string, stats: Stats): boolean {
  if (user === 0) return true;
  const bits = stats.uid === user ? 0o400 : groups.has(stats.gid) ? 0o040 : 0o004;
  if (user !== undefined && (stats.mode & bits) !== 0) return true;
  try {
    accessSync(absolutePath, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
