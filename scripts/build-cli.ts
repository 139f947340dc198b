// `npm run build:cli` (also run by `npm test`, and by `npm pack` through `prepack`): bundles the
// CLI into cli/dist/kismo.cjs, which the `kismo` command runs, and `kismo dev` into
// cli/dist/kismo-dev.cjs beside it (in checkouts only: the package leaves it out).
import path from 'node:path';
import { bundleCli } from '../cli/build/bundle';

const started = performance.now();
const { file, bytes, dev } = await bundleCli();
const size = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
process.stderr.write(
  `kismo CLI bundled into ${path.relative(process.cwd(), file)} (${size(bytes)}), kismo dev into ${path.relative(process.cwd(), dev.file)} (${size(dev.bytes)}), in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
