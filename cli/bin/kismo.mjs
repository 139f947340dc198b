#!/usr/bin/env node
// The kismo command. It runs the CLI's bundle (cli/dist, `npm run build:cli`) while no file it was
// built from has changed since, with Node's compile cache on; otherwise, or with
// KISMO_FROM_SOURCES=1, the TypeScript sources through tsx's loader. Services' logs stay quiet
// unless asked.
import { freshBundle } from './fresh-bundle.mjs';

// Built-ins by getBuiltinModule, not import: see fresh-bundle.mjs.
const module = process.getBuiltinModule('node:module');

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
const bundle =
  process.env.KISMO_FROM_SOURCES === '1' ? undefined : freshBundle(new URL('../../', import.meta.url));
let main;
if (bundle) {
  module.enableCompileCache?.();
  // `--debug` prints stack traces: let them point into the sources, not the minified bundle.
  if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
