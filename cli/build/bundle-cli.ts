import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Metafile, Plugin } from 'esbuild';
import { NODE_BUNDLE_PLUGINS, nodeBundleOptions, REPO_ROOT } from '../../infra/aws/bundling';

/** Where the CLI's bundle goes (not in git): `cli/bin/kismo.cjs` runs it while it is fresh. */
export const CLI_DIST = path.join(REPO_ROOT, 'cli', 'dist');
/** The bundle's core, under {@link CLI_DIST}: every command, their contracts, zod and commander. */
export const CLI_CORE = 'main.cjs';
/** Where, under {@link CLI_DIST}, the AWS SDK's packages are bundled apart from the core. */
const SDK_DIR = 'sdk';
/** A file of {@link CLI_DIST} that Node loads itself, for the core's one `import()` (`kismo dev`). */
const IMPORT_HELPER = 'import.cjs';
/** What the bundle was built from, and when: the launcher's freshness check reads it. */
export const BUILD_RECORD = 'build.json';

export interface BuildRecord {
  /** When the build started (ms since the epoch): an input changed later makes the bundle stale. */
  readonly builtAt: number;
  /** Repository-relative files the bundle was built from: kismo's sources and the lock file. */
  readonly inputs: readonly string[];
  /** Hex SHA-256 of the core ({@link CLI_CORE}): what its code caches are kept by. */
  readonly core: string;
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
    // The core is CommonJS (`__dirname` is cli/dist) and may run as a vm.Script, whose `import()`
    // has no module loader: the sources are imported through a file Node loads itself.
    build.onLoad({ filter: /.*/, namespace: 'kismo-dev' }, () => ({
      contents: [
        "import { register } from 'tsx/esm/api';",
        "import { join } from 'node:path';",
        "import { pathToFileURL } from 'node:url';",
        'export async function dev(...args) {',
        '  register();',
        `  const importModule = require('./${IMPORT_HELPER}');`,
        "  const sources = await importModule(pathToFileURL(join(__dirname, '..', 'commands', 'dev.ts')).href);",
        '  return sources.dev(...args);',
        '}',
      ].join('\n'),
      loader: 'js',
    }));
    build.onResolve({ filter: /^\.\/[\w.-]+\.cjs$/, namespace: 'kismo-dev' }, (args) => ({
      path: args.path,
      external: true,
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
 * The AWS SDK's packages stay out of the core: it requires each from its own entry in
 * `cli/dist/sdk/` (`@aws-sdk/client-s3` → `./sdk/client-s3.js`), and `imports` collects which.
 * Only a command that talks to AWS through the SDK loads them: an unchanged push, `kismo status`
 * and `kismo ls` on the local cloud never do. Each goes through a CommonJS stand-in, so that an
 * `import()` of one in kismo's code becomes a `require` in the core: the core may run as a
 * vm.Script, whose `import()` has no module loader.
 */
function sdkApart(imports: Set<string>): Plugin {
  return {
    name: 'kismo-sdk-apart',
    setup(build) {
      build.onResolve({ filter: /^@aws-sdk\// }, (args) => {
        imports.add(args.path);
        return { path: args.path, namespace: 'kismo-sdk' };
      });
      build.onLoad({ filter: /.*/, namespace: 'kismo-sdk' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./${SDK_DIR}/${sdkEntry(args.path)}.js`)});`,
        loader: 'js',
      }));
      build.onResolve({ filter: /^\.\//, namespace: 'kismo-sdk' }, (args) => ({
        path: args.path,
        external: true,
      }));
    },
  };
}

/** `@aws-sdk/client-s3` → `client-s3` */
function sdkEntry(specifier: string): string {
  return specifier.replace(/^@aws-sdk\//, '').replaceAll('/', '-');
}

/**
 * Bundles the CLI into `cli/dist`, replacing the previous bundle only once the new one is complete:
 * - the core, `main.cjs`: kismo's own code, zod and commander, one CommonJS file. esbuild wraps each
 *   command's modules to run when the command is imported, so `kismo push` builds push's schemas
 *   and not `kismo init`'s. One file skips the ES module loader's resolving, loading and linking
 *   of a dozen chunks: ~4 ms less CPU in an unchanged re-push than the same code split per
 *   command, at the 10th percentile and the median of 80 alternating runs (~10 ms with the
 *   CommonJS launcher, `cli/bin/kismo.cjs`);
 * - the AWS SDK's packages (`sdk/`, ES modules split so they share their common code once), which
 *   the core requires only once a command sends something through them.
 * The launcher runs the core with a V8 code cache made after an earlier run of the same command
 * (`cli/bin/core-cache.cjs`), kept by the core's SHA-256, which the build record holds. A command
 * started from the bundle loads in about a fifth of the time it takes from the TypeScript sources
 * through tsx.
 */
export async function bundleCli(outdir: string = CLI_DIST): Promise<BuildRecord> {
  const { build } = await import('esbuild');
  const builtAt = Date.now();
  const staging = `${outdir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const sdkImports = new Set<string>();
    const result = await build({
      // Not the functions' plugins: the CLI runs where people keep their profiles, so the SDK's
      // whole credential chain stays.
      // Commander's first: its built-ins must not reach the general by-require plugin.
      ...nodeBundleOptions([commanderBuiltins, sdkApart(sdkImports), ...NODE_BUNDLE_PLUGINS, devFromSources]),
      entryPoints: { main: path.join(REPO_ROOT, 'cli', 'main.ts') },
      outdir: staging,
      outExtension: { '.js': path.extname(CLI_CORE) },
      format: 'cjs',
      // The functions' banner gives an ES module a `require`; CommonJS has its own.
      banner: { js: '' },
      external: ['tsx/esm/api'],
    });
    await build({
      ...nodeBundleOptions(NODE_BUNDLE_PLUGINS),
      entryPoints: Object.fromEntries([...sdkImports].map((specifier) => [sdkEntry(specifier), specifier])),
      outdir: path.join(staging, SDK_DIR),
      splitting: true,
    });
    const inputs = [
      ...Object.keys(metafileOf(result).inputs).filter(
        (input) => !input.includes('node_modules/') && !input.includes(':'),
      ),
      'package-lock.json',
    ].sort();
    const core = createHash('sha256')
      .update(readFileSync(path.join(staging, CLI_CORE)))
      .digest('hex');
    const record: BuildRecord = { builtAt, inputs, core };
    writeFileSync(
      path.join(staging, IMPORT_HELPER),
      '// Node loads this file itself, so its import() has a module loader; the core, run as a vm.Script, has none.\nmodule.exports = (specifier) => import(specifier);\n',
    );
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
