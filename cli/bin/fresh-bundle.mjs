// Plain JavaScript: it runs before any TypeScript loader.
// Not `import … from 'node:fs'`: that builds an ES-module facade of every export of node:fs, and
// reading them loads fs/promises, with Node's streams and readline (30 modules, ~3 ms per command).
const { readFileSync, statSync } = process.getBuiltinModule('node:fs');

/**
 * The URL of the CLI bundle's entry under `root` (a file URL ending in `/`), if the bundle was
 * built after the last change to every file it was built from (`cli/dist/build.json`, written by
 * `cli/build/bundle-cli.ts`); `undefined` when it is missing, unreadable or stale.
 */
export function freshBundle(root) {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('cli/dist/build.json', root), 'utf8'));
    if (typeof builtAt !== 'number' || !Array.isArray(inputs) || inputs.length === 0) return undefined;
    for (const input of inputs) if (statSync(new URL(input, root)).mtimeMs > builtAt) return undefined;
    return new URL('cli/dist/main.js', root).href;
  } catch {
    return undefined;
  }
}
