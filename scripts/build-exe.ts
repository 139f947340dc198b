// `npm run build:exe`: kismo as a single executable for this platform (cli/dist/kismo-linux-x64
// here), which runs on a machine with no Node at all.
import path from 'node:path';
import { buildExe } from '../cli/build/exe';

const started = performance.now();
const { file, bytes, node } = await buildExe();
process.stderr.write(
  `kismo single executable: ${path.relative(process.cwd(), file)} (${Math.round(bytes / 1024 / 1024)} MiB, Node ${node}) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
