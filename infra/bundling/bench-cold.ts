// `npm run bench:cold [-- --services DIR] [-- --runs N] [-- --check]`: bundles each service's
// function as the stack does (`bundleFunction`) and loads each bundle in fresh Node processes,
// printing the time from the start of its import to a handler ready to be called: Lambda's init
// phase, less the runtime's own start. Target: at most 150 ms. `--check` exits 1 over budget.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { discoverServices, SERVICES_DIR } from '../../services/kit/discover';
import { bundleFunction, FUNCTION_NODE_OPTIONS, MAX_BUNDLE_BYTES } from './bundle-function';

export const TARGET_INIT_MS = 150;

/** Run inside the fresh process: the import of the bundle, timed (wall and CPU), and a check that it exports a handler. */
const probe = (url: string) => `
const cpu = process.cpuUsage();
const start = performance.now();
const module = await import(${JSON.stringify(url)});
const wall = performance.now() - start;
const used = process.cpuUsage(cpu);
if (typeof module.handler !== 'function') throw new Error('the bundle exports no handler');
process.stdout.write(JSON.stringify({ wall, cpu: (used.user + used.system) / 1000 }));
`;

/** The environment a function starts with, less what only the Lambda runtime has. */
function lambdaEnvironment(service: string, sourceMaps: boolean): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: `kismo-${service}`,
    AWS_LAMBDA_LOG_FORMAT: 'JSON',
    POWERTOOLS_SERVICE_NAME: service,
    ...(sourceMaps ? { NODE_OPTIONS: FUNCTION_NODE_OPTIONS } : {}),
    KISMO_CONFIG: JSON.stringify({ region: 'us-east-1', bucket: 'kismo-bench', busName: 'kismo' }),
  };
}

export interface InitTime {
  /** Milliseconds from the start of the import to the module evaluated. */
  readonly wall: number;
  /** CPU milliseconds of the same: what a busy machine distorts least. */
  readonly cpu: number;
}

/** Imports `file` in a fresh `node`, once, as the function runs (source maps on) unless told otherwise. */
export function measureInit(file: string, service: string, sourceMaps = true): InitTime {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe(pathToFileURL(file).href)], {
    env: lambdaEnvironment(service, sourceMaps),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${service}: loading its bundle failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as InitTime;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      services: { type: 'string', default: SERVICES_DIR },
      runs: { type: 'string', default: '5' },
      check: { type: 'boolean', default: false },
    },
  });
  const root = path.resolve(values.services);
  const runs = Math.max(1, Number(values.runs));
  const services = await discoverServices(root);
  if (services.length === 0) {
    process.stderr.write(`no service under ${root}; try --services test/infra/aws/fixtures/services\n`);
    return;
  }
  const out = mkdtempSync(path.join(tmpdir(), 'kismo-bench-'));
  let failed = false;
  const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(10);
  try {
    process.stdout.write(`node ${process.version}, ${runs} fresh processes per bundle\n`);
    process.stdout.write(
      "init: the bundle's import, as deployed (source maps on); min is the least disturbed run\n\n",
    );
    process.stdout.write(
      `${'service'.padEnd(28)}${'bundle'.padStart(9)}${'init p50'.padStart(10)}${'init min'.padStart(10)}${'cpu p50'.padStart(10)}${'no maps'.padStart(10)}\n`,
    );
    for (const { service, dir } of services) {
      const entry = path.join(dir, 'handler.ts');
      if (!existsSync(entry)) throw new Error(`${dir} has no handler.ts`);
      const bundle = await bundleFunction(entry, path.join(out, service.name));
      const times = Array.from({ length: runs }, () => measureInit(bundle.file, service.name));
      const plain = Array.from({ length: runs }, () => measureInit(bundle.file, service.name, false));
      const best = Math.min(...times.map((t) => t.wall));
      const over = best > TARGET_INIT_MS || bundle.bytes > MAX_BUNDLE_BYTES;
      failed ||= over;
      process.stdout.write(
        `${service.name.padEnd(28)}${`${(bundle.bytes / 1024).toFixed(0)} KiB`.padStart(9)}${ms(median(times.map((t) => t.wall)))}${ms(best)}${ms(median(times.map((t) => t.cpu)))}${ms(median(plain.map((t) => t.cpu)))}${over ? '  over budget' : ''}\n`,
      );
      if (over) {
        const heavy = bundle.heaviest.map((h) => `${h.input} ${(h.bytes / 1024).toFixed(0)} KiB`).join(', ');
        process.stdout.write(`${''.padEnd(28)}heaviest: ${heavy}\n`);
      }
    }
    process.stdout.write(`\nbudget: init ≤ ${TARGET_INIT_MS} ms, bundle ≤ ${MAX_BUNDLE_BYTES / 1024} KiB\n`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  if (failed && values.check) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
