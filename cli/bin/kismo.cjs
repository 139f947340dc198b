#!/usr/bin/env node
// The kismo command. It runs the CLI's bundle (cli/dist, `npm run build:cli`) while no file it was
// built from has changed since, with Node's compile cache on; otherwise, or with
// KISMO_FROM_SOURCES=1, the TypeScript sources through tsx's loader. Services' logs stay quiet
// unless asked.
//
// CommonJS, as the bundle's core is: a command run from the bundle never starts Node's ES module
// loader (an unchanged re-push: ~6 ms less CPU at the 10th percentile and the median, 80 runs).
const path = require('node:path');
const { pathToFileURL, fileURLToPath } = require('node:url');
const { enableCompileCache } = require('node:module');
const { freshBundle } = require('./fresh-bundle.cjs');

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

async function load() {
  const root = pathToFileURL(`${path.resolve(__dirname, '..', '..')}${path.sep}`);
  const bundle = process.env.KISMO_FROM_SOURCES === '1' ? undefined : freshBundle(root);
  if (bundle) {
    enableCompileCache?.();
    // `--debug` prints stack traces: let them point into the sources, not the minified bundle.
    if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
    return require(fileURLToPath(bundle)).main;
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../main.ts')).main;
}

load()
  .then((main) => main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  });
