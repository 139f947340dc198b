import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';
import { type PortName, portsOf } from '../../services/kit/capabilities';
import type { Service } from '../../services/kit/define-service';
import { builtinsByRequire, lambdaCredentials, REPO_ROOT, sdkSchemaKeys, servicePorts } from './plugins';

// No CDK import here: `rebundle.ts` loads this module once per function during a synth.

export { REPO_ROOT };

/** A function bundle may not grow past this (the budget; cold starts grow with it). */
export const MAX_BUNDLE_BYTES = 1024 * 1024;

/** What each function runs with: stack traces of the minified bundle point into the sources. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/** The bundle's file name: `.mjs`, so Node loads it as an ES module without a package.json. */
export const BUNDLE_FILE = 'index.mjs';

// ESM lets esbuild tree-shake the AWS SDK's modular clients; CommonJS dependencies that call
// `require` for Node built-ins (the Slack client's axios) still need a `require` in an ES module.
const REQUIRE_SHIM =
  "import { createRequire as __kismoRequire } from 'node:module';const require = __kismoRequire(import.meta.url);";

/**
 * How every function is bundled, in one place: `KismoFunction` (through `rebundle.ts`),
 * `bench-cold.ts` and the bundle tests all bundle with `bundleFunction`.
 *
 * Everything is bundled, the AWS SDK included, rather than taken from the runtime: the function
 * runs the SDK version the tests ran, and a tree-shaken SDK in one file loads several times
 * faster than the runtime's copy spread over hundreds of CommonJS files.
 */
export const FUNCTION_BUNDLING = {
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  // Stack traces need only the mappings; the sources would triple the map's size for nothing.
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: REQUIRE_SHIM,
} as const;

/**
 * The ports of the service whose function `entry` is: `services/<name>/handler.ts` next to its
 * `service.ts` (a subscriber) or its `endpoint.ts` (an HTTP endpoint), which default-exports what
 * it may do.
 */
async function portsOfEntry(entry: string): Promise<PortName[]> {
  const file = ['service.ts', 'endpoint.ts']
    .map((name) => path.join(path.dirname(entry), name))
    .find((candidate) => existsSync(candidate));
  if (!file)
    throw new Error(`${entry}: a function's entry is a handler.ts next to its service.ts or endpoint.ts`);
  const { default: service } = (await import(pathToFileURL(file).href)) as {
    default: Pick<Service, 'capabilities' | 'emits'>;
  };
  return portsOf(service);
}

/** The plugins of every function's bundle (esbuild's CLI, what `NodejsFunction` runs, takes none). */
const FUNCTION_PLUGINS: readonly Plugin[] = [sdkSchemaKeys, builtinsByRequire, lambdaCredentials];

/** A function's bundle through esbuild's API, with the plugins. */
export function esbuildOptions(entry: string, outdir: string, ports: readonly PortName[]): BuildOptions {
  return {
    entryPoints: [entry],
    outfile: path.join(outdir, BUNDLE_FILE),
    bundle: true,
    platform: 'node',
    target: FUNCTION_BUNDLING.target,
    format: FUNCTION_BUNDLING.format,
    minify: FUNCTION_BUNDLING.minify,
    sourcemap: FUNCTION_BUNDLING.sourcemap,
    sourcesContent: FUNCTION_BUNDLING.sourcesContent,
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    banner: { js: FUNCTION_BUNDLING.banner },
    plugins: [...FUNCTION_PLUGINS, servicePorts(ports)],
    absWorkingDir: REPO_ROOT,
    logLevel: 'error',
    metafile: true,
  };
}

export interface Bundle {
  readonly file: string;
  readonly bytes: number;
  /** The packages that weigh most in the output, largest first (for a budget overrun's message). */
  readonly heaviest: readonly { readonly input: string; readonly bytes: number }[];
}

/** Bundles one function entry into `outdir`, as deployed. */
export async function bundleFunction(entry: string, outdir: string): Promise<Bundle> {
  const { build } = await import('esbuild');
  const options = esbuildOptions(entry, outdir, await portsOfEntry(entry));
  const result = await build(options);
  const file = options.outfile as string;
  const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint !== undefined);
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const key = packageOf(input);
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  const heaviest = [...byPackage]
    .map(([input, bytes]) => ({ input, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5);
  return { file, bytes: statSync(file).size, heaviest };
}

function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1] ?? 'kismo';
}
