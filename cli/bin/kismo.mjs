#!/usr/bin/env node
// The kismo command. It runs the CLI's bundle (cli/dist, `npm run build:cli`) while no file it was
// built from has changed since, with Node's compile cache on; otherwise, or with
// KISMO_FROM_SOURCES=1, the TypeScript sources through tsx's loader. Services' logs stay quiet
// unless asked.
import { readFileSync, statSync } from 'node:fs';
import module from 'node:module';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
const bundle = process.env.KISMO_FROM_SOURCES === '1' ? undefined : freshBundle();
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

/** The bundle's entry, if it was built after the last change to every file it was built from. */
function freshBundle() {
  const root = new URL('../../', import.meta.url);
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('cli/dist/build.json', root), 'utf8'));
    if (!Array.isArray(inputs) || inputs.length === 0) return undefined;
    for (const input of inputs) if (statSync(new URL(input, root)).mtimeMs > builtAt) return undefined;
    return new URL('cli/dist/main.js', root).href;
  } catch {
    return undefined;
  }
}
