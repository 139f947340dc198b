import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Metafile, Plugin } from 'esbuild';
import { NODE_BUNDLE_PLUGINS, nodeBundleOptions, REPO_ROOT } from '../../infra/aws/bundling';

/** Where the CLI's bundle goes (not in git): `cli/bin/kismo.mjs` runs it while it is fresh. */
export const CLI_DIST = path.join(REPO_ROOT, 'cli', 'dist');
/** What the bundle was built from, and when: the launcher's freshness check reads it. */
export const BUILD_RECORD = 'build.json';

export interface BuildRecord {
  /** When the build started (ms since the epoch): an input changed later makes the bundle stale. */
  readonly builtAt: number;
  /** Repository-relative files the bundle was built from: kismo's sources and the lock file. */
  readonly inputs: readonly string[];
}

/**
 * `kismo dev` hosts the local cloud, which loads every `services/<name>/service.ts` at run time,
 * so it runs from the sources through tsx; the bundle reaches it through this small module.
 */
const devFromSources: Plugin = {
  name: 'kismo-dev-from-sources',
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\/dev$/ }, (args) =>
      args.importer.endsWith(path.join('cli', 'program.ts'))
        ? { path: 'dev-from-sources', namespace: 'kismo-dev' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'kismo-dev' }, () => ({
      contents: [
        "import { register } from 'tsx/esm/api';",
        'export async function dev(...args) {',
        '  register();',
        "  const sources = await import(new URL('../commands/dev.ts', import.meta.url).href);",
        '  return sources.dev(...args);',
        '}',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * Commander imports the whole of `node:child_process` (to run executable subcommands, which kismo
 * has none of) and of `node:util`. Bundled, each becomes a copy of the module's every export, and
 * copying node:util's runs its lazy getters: together ~35 of Node's modules and ~3 ms of every
 * command. Commander gets what it calls, loaded when called. A named import it adds fails the
 * build (esbuild checks named imports of an ES module); a test checks that `spawn` is the only
 * member of child_process it uses.
 */
const commanderBuiltins: Plugin = {
  name: 'kismo-commander-builtins',
  setup(build) {
    const modules: Record<string, string> = {
      'node:util':
        "export const stripVTControlCharacters = (text) => require('node:util').stripVTControlCharacters(text);",
      'node:child_process':
        "export default { spawn: (...args) => require('node:child_process').spawn(...args) };",
    };
    build.onResolve({ filter: /^node:(util|child_process)$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: args.path, namespace: 'kismo-commander' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'kismo-commander' }, (args) => ({
      contents: modules[args.path],
      loader: 'js',
    }));
  },
};

/**
 * Bundles the CLI (esbuild, ES modules split per command so `kismo push` loads push's code and
 * not `kismo init`'s) into `cli/dist`, replacing the previous bundle only once the new one is
 * complete. A command started from the bundle loads in about a fifth of the time it takes from
 * the TypeScript sources through tsx: one file per command and no transpiling.
 */
export async function bundleCli(outdir: string = CLI_DIST): Promise<BuildRecord> {
  const { build } = await import('esbuild');
  const builtAt = Date.now();
  const staging = `${outdir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const result = await build({
      // Not the functions' plugins: the CLI runs where people keep their profiles, so the SDK's
      // whole credential chain stays.
      // Commander's first: its built-ins must not reach the general by-require plugin.
      ...nodeBundleOptions([commanderBuiltins, ...NODE_BUNDLE_PLUGINS, devFromSources]),
      entryPoints: { main: path.join(REPO_ROOT, 'cli', 'main.ts') },
      outdir: staging,
      splitting: true,
      external: ['tsx/esm/api'],
    });
    const inputs = [
      ...Object.keys(metafileOf(result).inputs).filter(
        (input) => !input.includes('node_modules/') && !input.includes(':'),
      ),
      'package-lock.json',
    ].sort();
    const record: BuildRecord = { builtAt, inputs };
    writeFileSync(path.join(staging, BUILD_RECORD), `${JSON.stringify(record)}\n`);
    writeFileSync(path.join(staging, 'package.json'), '{ "type": "module" }\n');
    rmSync(outdir, { recursive: true, force: true });
    mkdirSync(path.dirname(outdir), { recursive: true });
    renameSync(staging, outdir);
    return record;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The build's record of its inputs: what tells the launcher when the bundle is stale. */
function metafileOf(result: { metafile?: Metafile }): Metafile {
  if (!result.metafile)
    throw new Error('esbuild returned no metafile: the bundle could never be found stale');
  return result.metafile;
}
