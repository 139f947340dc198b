#!/usr/bin/env node
// The kismo command. It runs the CLI's bundle (cli/dist, `npm run build:cli`) while no file it was
// built from has changed since, its core with a code cache (core-cache.cjs) and the rest with
// Node's compile cache; otherwise, or with KISMO_FROM_SOURCES=1, the TypeScript sources through
// tsx's loader. Services' logs stay quiet unless asked.
//
// CommonJS, as the bundle's core is: a command run from the bundle never starts Node's ES module
// loader (an unchanged re-push: ~6 ms less CPU at the 10th percentile and the median, 80 runs).
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { enableCompileCache } = require('node:module');
const { freshBundle } = require('./fresh-bundle.cjs');
const { commandKey, loadCore } = require('./core-cache.cjs');

// The bundle's core requires the SDK's ES modules (require(esm), unflagged since Node 22.12).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `kismo: NODE_TOO_OLD: kismo needs Node 22.12 or later, and this is ${process.version}: run it with \`npm run -s kismo -- …\`, which uses the pinned node@22, or install a newer Node\n`,
  );
  process.exit(1);
}

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

async function load() {
  const root = pathToFileURL(`${path.resolve(__dirname, '..', '..')}${path.sep}`);
  const bundle = process.env.KISMO_FROM_SOURCES === '1' ? undefined : freshBundle(root);
  if (bundle) {
    enableCompileCache?.();
    const argv = process.argv.slice(2);
    // `--debug` prints stack traces: let them point into the sources, not the minified bundle
    // (a code-cached core has no source map).
    if (!argv.includes('--debug')) return loadCore(bundle, commandKey(argv));
    process.setSourceMapsEnabled(true);
    return require(bundle.file);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('../main.ts');
}

load().then(async (cli) => {
  process.exitCode = await cli.main(process.argv.slice(2));
  cli.saveCache?.();
});
