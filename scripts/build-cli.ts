// `npm run build:cli` (also run by `npm test`, and by `npm pack` through `prepack`): bundles the
// CLI into cli/dist/kismo.cjs, which the `kismo` command runs.
import path from 'node:path';
import { bundleCli } from '../cli/build/bundle';

const started = performance.now();
const { file, bytes } = await bundleCli();
process.stderr.write(
  `kismo CLI bundled into ${path.relative(process.cwd(), file)} (${(bytes / 1024 / 1024).toFixed(1)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
