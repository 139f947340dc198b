import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import type { Metafile, Plugin, PluginBuild } from 'esbuild';
import type { PortName } from '../../services/kit/capabilities';

// What a function bundle needs beyond esbuild's defaults, each justified by `npm run bench:cold`.
// Each plugin counts what it matched and fails the build when it matched nothing it should have:
// a dependency that moves a file must not turn a plugin off in silence.

/** The repository root: the project root of every bundle. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** Fails the build, at its end, with `problem(metafile)` when there is one. */
function checkAtEnd(build: PluginBuild, plugin: string, problem: (metafile: Metafile) => string | undefined) {
  build.onEnd((result) => {
    const text = result.metafile ? problem(result.metafile) : undefined;
    return text ? { errors: [{ text: `${plugin}: ${text}` }] } : undefined;
  });
}

const holdsSdkClient = (metafile: Metafile) =>
  Object.keys(metafile.inputs).some((input) => /node_modules\/@aws-sdk\/client-/.test(input));

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
    let hits = 0;
    build.onResolve({ filter: /^[a-z_:/0-9]+$/ }, (args) => {
      if (!(args.kind === 'import-statement' || args.kind === 'dynamic-import') || !isBuiltin(args.path)) {
        return undefined;
      }
      hits += 1;
      return { path: args.path, namespace: BUILTIN_NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: BUILTIN_NAMESPACE }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
    checkAtEnd(build, 'kismo-builtins-by-require', () =>
      hits === 0 ? 'no import of a Node built-in was seen: is the plugin still reached?' : undefined,
    );
  },
};
const BUILTIN_NAMESPACE = 'kismo-builtin';

/**
 * Every SDK client takes its default credentials from `@aws-sdk/credential-provider-node`, the
 * chain for every place an SDK runs (SSO, profiles, web identity, processes, with the STS and SSO
 * clients they need: ~100 KiB compiled at each cold start and never run). A function's bundle gets
 * the Lambda one instead (`services/kit/lambda-credentials.ts`: the environment, then the
 * container endpoint).
 */
export const lambdaCredentials: Plugin = {
  name: 'kismo-lambda-credentials',
  setup(build) {
    let hits = 0;
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => {
      hits += 1;
      return { path: path.join(REPO_ROOT, 'services/kit/lambda-credentials.ts') };
    });
    checkAtEnd(build, 'kismo-lambda-credentials', (metafile) => {
      if (
        Object.keys(metafile.inputs).some((input) => input.includes('@aws-sdk/credential-provider-node/'))
      ) {
        return 'the SDK’s node credential chain is in the bundle after all';
      }
      if (hits === 0 && holdsSdkClient(metafile)) {
        return 'the bundle holds an SDK client but no import of @aws-sdk/credential-provider-node was seen: has the SDK moved it?';
      }
      return undefined;
    });
  },
};

/**
 * The AWS SDK's generated schemas key their objects by constants (`{ [_xN]: … }`), and esbuild
 * keeps every statement with a computed key it cannot prove pure: EC2's whole API (550 KiB) came
 * with one StopInstances, and every bundle passed 1 MiB with init times ~1.7× longer. The
 * constants are string literals in the same file; putting them in place lets esbuild drop what
 * is unused (EC2: 550 → 40 KiB). Delete this once the SDK writes literal keys itself
 * (aws/aws-sdk-js-v3#7607): the build says so, as the files then no longer have this shape.
 */
export const sdkSchemaKeys: Plugin = {
  name: 'kismo-sdk-schema-keys',
  setup(build) {
    let files = 0;
    let rewritten = 0;
    build.onLoad(
      {
        filter:
          /[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/](submodules[\\/][^\\/]+[\\/])?schemas[\\/]schemas_\d+\.js$/,
      },
      async (args) => {
        files += 1;
        const text = await readFile(args.path, 'utf8');
        const constants = new Map<string, string>();
        for (const [, name, literal] of text.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)) {
          if (name && literal) constants.set(name, literal);
        }
        if (constants.size === 0) return undefined;
        rewritten += 1;
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
    checkAtEnd(build, 'kismo-sdk-schema-keys', (metafile) => {
      if (files > 0 && rewritten === 0) {
        return 'the SDK’s schema files no longer key by constants: this plugin can go (see its comment)';
      }
      if (files === 0 && holdsSdkClient(metafile)) {
        return 'the bundle holds an SDK client but none of its schema files was seen: has the SDK moved them?';
      }
      return undefined;
    });
  },
};

/** Where a service's port makers are listed (`portMakers`), each from `./ports/<port>.ts` as `make<Port>`. */
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
      let hits = 0;
      build.onLoad({ filter: /[\\/]port-makers\.ts$/ }, (args) => {
        if (args.path !== PORT_MAKERS) return undefined;
        hits += 1;
        return { contents, loader: 'ts', resolveDir: path.dirname(PORT_MAKERS) };
      });
      checkAtEnd(build, 'kismo-service-ports', () =>
        hits === 1 ? undefined : `${PORT_MAKERS} was loaded ${hits} times, not once: has it moved?`,
      );
    },
  };
}
