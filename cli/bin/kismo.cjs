#!/usr/bin/env node
// The installed `kismo`: checks that this Node can run the CLI's bundle, then runs it. Plain
// CommonJS that any Node parses, so an old one gets a message rather than a syntax error.
const path = require('node:path');

const NEEDED = [22, 12];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < NEEDED[0] || (major === NEEDED[0] && minor < NEEDED[1])) {
  // A checkout (`npm link`) has the Node it pins: run the same command on it.
  const pinned = path.join(__dirname, '..', '..', 'node_modules', 'node', 'bin', 'node');
  const { spawnSync } = require('node:child_process');
  const { existsSync } = require('node:fs');
  if (existsSync(pinned) && !process.env.KISMO_PINNED_NODE) {
    const run = spawnSync(pinned, [__filename, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, KISMO_PINNED_NODE: pinned },
    });
    if (run.signal) process.kill(process.pid, run.signal);
    process.exit(run.status ?? 1);
  }
  process.stderr.write(
    `kismo: NODE_TOO_OLD: kismo needs Node ${NEEDED.join('.')} or later, and this is ${process.version}: install Node 22 (https://nodejs.org), or use the single executable (\`npm run build:exe\` in a checkout), which needs no Node\n`,
  );
  process.exit(1);
}

const bundle = path.join(__dirname, '..', 'dist', 'kismo.cjs');
if (!require('node:fs').existsSync(bundle)) {
  // Only in a checkout: a package always ships its bundle (`npm pack` builds it).
  process.stderr.write(
    `kismo: NOT_BUILT: ${bundle} is missing: run \`npm run build:cli\` in ${path.resolve(__dirname, '..', '..')}\n`,
  );
  process.exit(1);
}
require('node:module').enableCompileCache?.();
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
require(bundle);
