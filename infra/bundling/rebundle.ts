// `FunctionBundler` runs this to bundle a stack's functions: CDK's local bundling is synchronous,
// and esbuild runs plugins (plugins.ts) only through its asynchronous API.
// Usage: rebundle.ts OUT_ROOT ENTRY… (the bundle of the i-th entry goes to OUT_ROOT/i/).
import path from 'node:path';
import { bundleFunction } from './bundle-function';

const [root, ...entries] = process.argv.slice(2);
if (!root || entries.length === 0) {
  process.stderr.write('usage: rebundle.ts OUT_ROOT ENTRY…\n');
  process.exit(2);
}
await Promise.all(entries.map((entry, i) => bundleFunction(entry, path.join(root, String(i)))));
