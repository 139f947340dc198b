// `npm run build:cli` (also run by `npm ci` through `prepare`, and by `npm test`): bundles the CLI
// into cli/dist, which `kismo` runs while no source is newer than it.
import { bundleCli, CLI_DIST } from '../cli/build/bundle-cli';

const started = performance.now();
const { inputs } = await bundleCli();
process.stdout.write(
  `kismo CLI bundled into ${CLI_DIST} from ${inputs.length} files in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
