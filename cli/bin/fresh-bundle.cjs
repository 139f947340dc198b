// Plain JavaScript: it runs before any TypeScript loader.
const { readFileSync, statSync } = require('node:fs');
const { fileURLToPath } = require('node:url');

/**
 * The CLI bundle's core under `root` (a file URL ending in `/`): its path and its SHA-256, if the
 * bundle was built after the last change to every file it was built from (`cli/dist/build.json`,
 * written by `cli/build/bundle-cli.ts`); `undefined` when it is missing, unreadable or stale.
 */
function freshBundle(root) {
  try {
    const { builtAt, inputs, core } = JSON.parse(readFileSync(new URL('cli/dist/build.json', root), 'utf8'));
    if (typeof builtAt !== 'number' || !Array.isArray(inputs) || inputs.length === 0) return undefined;
    if (typeof core !== 'string' || !/^[0-9a-f]{64}$/.test(core)) return undefined;
    for (const input of inputs) if (statSync(new URL(input, root)).mtimeMs > builtAt) return undefined;
    return { file: fileURLToPath(new URL('cli/dist/main.cjs', root)), sha256: core };
  } catch {
    return undefined;
  }
}

module.exports = { freshBundle };
