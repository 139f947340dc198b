import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';
import { type PortName, portsOf } from '../../services/kit/capabilities';
import type { Service } from '../../services/kit/define-service';

// No CDK import here: `rebundle.ts` loads this module once per function during a synth.

/** The repository root: the project root of every bundle and where the lock file lives. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** A function bundle may not grow past this (the issue's budget; cold starts grow with it). */
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
  // `userdata/bootstrap.sh` is rendered into the launcher's bundle as text.
  loader: { '.sh': 'text' },
} as const;

/**
 * `import { z } from 'zod'` hands out zod's namespace as a value, which esbuild cannot tree-shake:
 * every bundle got all of zod, its 40 locales included (+370 KiB). `import * as z` is the same
 * namespace for every `z.…` use and shakes. Remove once kismo and Powertools import it that way.
 */
export const zodNamespaceImports: Plugin = {
  name: 'kismo-zod-namespace-imports',
  setup(build) {
    for (const filter of ZOD_USERS_FILTERS) {
      build.onLoad({ filter }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!NAMED_Z_IMPORT.test(text)) return undefined;
        return {
          contents: text.replace(
            NAMED_Z_IMPORT,
            (_all, quote: string) => `import * as z from ${quote}zod${quote};`,
          ),
          loader: /\.m?ts$/.test(args.path) ? 'ts' : 'js',
          resolveDir: path.dirname(args.path),
        };
      });
    }
  },
};
const NAMED_Z_IMPORT = /^import \{ z \} from (['"])zod\1;?$/gm;

/**
 * kismo's own code and the zod users among its dependencies, narrowed in the filters themselves:
 * each file a filter matches makes a round trip between esbuild and Node, and most of a bundle is
 * the SDK. (esbuild's filters are Go regular expressions: no lookahead.)
 */
const SOURCE_DIRS = ['contracts', 'services', 'infra', 'cli', 'userdata', 'test', 'scripts'];
const ZOD_USERS_FILTERS = [
  new RegExp(String.raw`^${escapeRegExp(REPO_ROOT)}[\\/](${SOURCE_DIRS.join('|')})[\\/].*\.(ts|mts|js|mjs)$`),
  /[\\/]node_modules[\\/]@aws-lambda-powertools[\\/].*\.js$/,
];

/**
 * The AWS SDK's generated schemas key their objects by constants (`{ [_xN]: … }`), and esbuild
 * keeps every statement with a computed key it cannot prove pure: EC2's whole API (550 KiB) came
 * with one StopInstances. The constants are string literals in the same file; putting them in
 * place lets esbuild drop what is unused (EC2: 550 → 32 KiB). Files of another shape are left as
 * they are.
 */
export const sdkSchemaKeys: Plugin = {
  name: 'kismo-sdk-schema-keys',
  setup(build) {
    build.onLoad(
      {
        filter:
          /[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/](submodules[\\/][^\\/]+[\\/])?schemas[\\/]schemas_\d+\.js$/,
      },
      async (args) => {
        const text = await readFile(args.path, 'utf8');
        const constants = new Map<string, string>();
        for (const [, name, literal] of text.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)) {
          if (name && literal) constants.set(name, literal);
        }
        if (constants.size === 0) return undefined;
        return {
          contents: text.replace(/\[(_\w+)\]:/g, (all, name: string) => {
            const literal = constants.get(name);
            return literal ? `[${literal}]:` : all;
          }),
          loader: 'js',
          resolveDir: path.dirname(args.path),
        };
      },
    );
  },
};

/**
 * Node gives an `import` of a built-in module an ES-module facade built by reading every one of its
 * exports, and reading runs their lazy getters: the facade of `node:http` loads Node's internal
 * fetch stack (undici, and with it `node:http2`), a third of a function's cold start spent on code
 * it never calls. A `require` returns the module itself and runs only what is used, so each import
 * of a built-in, static or dynamic, becomes a `require` (the bundle's banner provides one).
 */
export const builtinsByRequire: Plugin = {
  name: 'kismo-builtins-by-require',
  setup(build) {
    // A static import gets a module of its own per importer (`node:fs~3`), which stays in the
    // importer's chunk: shared, each built-in became a chunk of its own in a split bundle (the
    // CLI's SDK bundle), one more module for Node to resolve and link. A dynamic import is a chunk
    // anyway.
    // (No `#` or `?` in these names: a chunk's file name comes from them, and in an import URL
    // either would end the path.)
    const importers = new Map<string, number>();
    build.onResolve({ filter: /^[a-z_:/0-9]+$/ }, (args) => {
      if (!(args.kind === 'import-statement' || args.kind === 'dynamic-import') || !isBuiltin(args.path)) {
        return undefined;
      }
      if (args.kind === 'dynamic-import') return { path: args.path, namespace: BUILTIN_NAMESPACE };
      if (!importers.has(args.importer)) importers.set(args.importer, importers.size);
      return { path: `${args.path}~${importers.get(args.importer)}`, namespace: BUILTIN_NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: BUILTIN_NAMESPACE }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path.replace(/~\d+$/, ''))});`,
      loader: 'js',
    }));
  },
};
const BUILTIN_NAMESPACE = 'kismo-builtin';

/**
 * Every SDK client takes its default credentials from `@aws-sdk/credential-provider-node`, the
 * chain for every place an SDK runs; a function's bundle gets the Lambda one instead
 * (`services/kit/lambda-credentials.ts`: the environment, then the container endpoint).
 */
export const lambdaCredentials: Plugin = {
  name: 'kismo-lambda-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: path.join(REPO_ROOT, 'services/kit/lambda-credentials.ts'),
    }));
  },
};

/** Where a service's port makers are listed (`portMakers`), each from `./<port>.ts` as `make<Port>`. */
const PORT_MAKERS = path.join(REPO_ROOT, 'services/kit/port-makers.ts');

/**
 * A function gets the AWS adapters of the ports its service uses (`portsOf`) and no others: its
 * copy of `portMakers` lists only those, so esbuild leaves the other SDK clients out of the bundle
 * (the Slack client, Secrets Manager and CloudWatch were in every function's, used by one each).
 */
export function servicePorts(ports: readonly PortName[]): Plugin {
  const maker = (name: PortName) => `make${name[0]?.toUpperCase()}${name.slice(1)}`;
  const contents = [
    "import type { PortMakers } from './port-makers';",
    ...ports.map((name) => `import { ${maker(name)} } from './ports/${name}';`),
    `export const portMakers: PortMakers = { ${ports.map((name) => `${name}: ${maker(name)}`).join(', ')} };`,
  ].join('\n');
  return {
    name: 'kismo-service-ports',
    setup(build) {
      build.onLoad({ filter: new RegExp(`^${escapeRegExp(PORT_MAKERS)}$`) }, () => ({
        contents,
        loader: 'ts',
        resolveDir: path.dirname(PORT_MAKERS),
      }));
    },
  };
}

/** The ports of the service whose function `entry` is: `services/<name>/handler.ts` next to its `service.ts`. */
async function portsOfEntry(entry: string): Promise<PortName[]> {
  const file = path.join(path.dirname(entry), 'service.ts');
  if (!existsSync(file))
    throw new Error(`${entry}: a function's entry is a handler.ts next to its service.ts`);
  const { default: service } = (await import(pathToFileURL(file).href)) as { default: Service };
  return portsOf(service);
}

/**
 * The SDK's XML parser builds every string a character at a time; `xml-parser.ts` is the same
 * parser taking each token with one `slice` (same results, checked against the SDK's), about
 * 1.7× faster on a ListObjectsV2 page or an EC2 DescribeInstances answer.
 */
export const fastXmlParser: Plugin = {
  name: 'kismo-fast-xml-parser',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]xml-builder[\\/]dist-es[\\/]xml-parser\.js$/ }, () => ({
      contents: `export { parseXML } from ${JSON.stringify(path.join(REPO_ROOT, 'infra/aws/xml-parser.ts'))};`,
      loader: 'js',
      resolveDir: REPO_ROOT,
    }));
  },
};

/** What every kismo bundle for Node gets, the functions' and the CLI's. */
export const NODE_BUNDLE_PLUGINS: readonly Plugin[] = [
  zodNamespaceImports,
  sdkSchemaKeys,
  builtinsByRequire,
  fastXmlParser,
];

/** Why functions are bundled through esbuild's API: its CLI (what `NodejsFunction` runs) takes no plugins. */
export const BUNDLE_PLUGINS: readonly Plugin[] = [...NODE_BUNDLE_PLUGINS, lambdaCredentials];

/** How kismo bundles for Node, functions and CLI alike; each adds its entry, output and plugins. */
export function nodeBundleOptions(plugins: readonly Plugin[]): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: FUNCTION_BUNDLING.target,
    format: FUNCTION_BUNDLING.format,
    minify: FUNCTION_BUNDLING.minify,
    sourcemap: FUNCTION_BUNDLING.sourcemap,
    sourcesContent: FUNCTION_BUNDLING.sourcesContent,
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    banner: { js: FUNCTION_BUNDLING.banner },
    loader: { ...FUNCTION_BUNDLING.loader },
    plugins: [...plugins],
    absWorkingDir: REPO_ROOT,
    logLevel: 'error',
    metafile: true,
  };
}

/** A function's bundle through esbuild's API, with the plugins. */
export function esbuildOptions(entry: string, outdir: string, ports: readonly PortName[]): BuildOptions {
  return {
    ...nodeBundleOptions([...BUNDLE_PLUGINS, servicePorts(ports)]),
    entryPoints: [entry],
    outfile: path.join(outdir, BUNDLE_FILE),
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
