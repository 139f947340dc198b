import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleCli, REPO_ROOT } from './bundle';

/** Where `npm run build:exe` puts the executable (not in git, not in the package). */
export const EXE_FILE = path.join(REPO_ROOT, 'cli', 'dist', `kismo-${process.platform}-${process.arch}`);

/** The sentinel Node's binary carries for an injected application (Node's single executable applications). */
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface Executable {
  readonly file: string;
  readonly bytes: number;
  readonly node: string;
}

/**
 * Builds kismo as a single executable: a copy of the Node binary that runs this build
 * (`process.execPath`: the pinned node@22 under `npm run`) with the CLI's bundle and a V8 code cache
 * of it injected, through Node's single executable applications. The result needs no Node on the
 * machine; it runs where this Node's binary does (linux-x64, glibc 2.28 or later, here).
 */
export async function buildExe(output: string = EXE_FILE): Promise<Executable> {
  const node = realpathSync(process.execPath);
  if (!readFileSync(node).includes(`${FUSE}:0`)) {
    throw new Error(
      `${node} (Node ${process.version}) has no fuse for an injected application: build with an official Node binary`,
    );
  }
  const { file: bundle } = await bundleCli();
  const work = mkdtempSync(path.join(os.tmpdir(), 'kismo-exe-'));
  try {
    const blob = path.join(work, 'kismo.blob');
    const config = path.join(work, 'sea-config.json');
    writeFileSync(
      config,
      JSON.stringify({
        main: bundle,
        output: blob,
        disableExperimentalSEAWarning: true,
        // The bundle compiled once, here, instead of at every start (~30% of a command's CPU).
        useCodeCache: true,
      }),
    );
    execFileSync(node, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    const staging = `${output}.${process.pid}.tmp`;
    copyFileSync(node, staging);
    const { inject } = await import('postject');
    // postject reports each ELF note it cannot name; harmless, and not ours to act on.
    const warn = console.warn;
    console.warn = () => {};
    try {
      await inject(staging, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: FUSE });
    } finally {
      console.warn = warn;
    }
    execFileSync(staging, ['--version'], { env: {}, stdio: 'ignore' });
    renameSync(staging, output);
    return { file: output, bytes: statSync(output).size, node: process.version };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
