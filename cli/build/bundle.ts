import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

/** The repository root: where the CLI's sources, services and lock file live. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
/** The CLI's bundle: what `cli/bin/kismo.cjs` runs and the single executable embeds. */
export const CLI_BUNDLE = path.join(REPO_ROOT, 'cli', 'dist', 'kismo.cjs');
/** `kismo dev`'s bundle, beside the CLI's (`cli/commands/load-dev.ts` says why it stands apart). */
export const DEV_BUNDLE_NAME = 'kismo-dev.cjs';
const LOAD_DEV = path.join(REPO_ROOT, 'cli', 'commands', 'load-dev.ts');

const SERVICES = path.join(REPO_ROOT, 'services');
const DISCOVER = path.join(SERVICES, 'kit', 'discover.ts');

/** Service folders: every `services/<name>/` holding a `service.ts`, as `discoverServices` finds them. */
export function serviceFolders(root: string = SERVICES): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(root, entry.name, 'service.ts')))
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
}

/**
 * `kismo dev` hosts every service, which the local cloud finds by folder at run time
 * (`services/kit/discover.ts`). A bundle has no folders: the build lists them once and the
 * bundle's `discoverServices` imports each `service.ts`. Fails the build if discovery is no
 * longer reached, or finds nothing.
 */
function servicesOfFolders(): Plugin {
  return {
    name: 'kismo-services-of-folders',
    setup(build) {
      let replaced = false;
      const folders = serviceFolders();
      build.onLoad({ filter: /[\\/]services[\\/]kit[\\/]discover\.ts$/ }, (args) => {
        if (args.path !== DISCOVER) return undefined;
        replaced = true;
        const imports = folders.map((name, i) => `import s${i} from '../${name}/service';`);
        const found = folders.map(
          (name, i) => `{ service: s${i}, dir: ${JSON.stringify(`services/${name}`)} }`,
        );
        return {
          contents: [
            "import type { Service } from './define-service';",
            ...imports,
            'export interface DiscoveredService { readonly service: Service; readonly dir: string }',
            "export const SERVICES_DIR = 'services';",
            `export async function discoverServices(): Promise<DiscoveredService[]> { return [${found.join(', ')}]; }`,
          ].join('\n'),
          loader: 'ts',
          resolveDir: path.dirname(DISCOVER),
        };
      });
      build.onEnd(() => {
        if (folders.length === 0) return { errors: [{ text: `no service folders under ${SERVICES}` }] };
        if (!replaced)
          return {
            errors: [{ text: `${DISCOVER} is not in the bundle any more: update ${import.meta.filename}` }],
          };
        return undefined;
      });
    },
  };
}

const IAM_DATA = path.join(REPO_ROOT, 'node_modules', '@cloud-copilot', 'iam-data');

/**
 * The local cloud's IAM evaluator reads AWS's IAM data (which actions, resource types and condition
 * keys each service has) from JSON files beside its module; a bundle has no such files. The build
 * puts the files of the services the local cloud evaluates (`IAM_SERVICES`) into the bundle, where
 * iam-data's reader finds them. Fails the build if the reader is no longer where it was, or a
 * service's data is missing.
 */
function iamDataInside(): Plugin {
  return {
    name: 'kismo-iam-data-inside',
    setup(build) {
      let replaced = false;
      build.onLoad(
        { filter: /[\\/]@cloud-copilot[\\/]iam-data[\\/]dist[\\/](esm|cjs)[\\/]readRelativeFile\.js$/ },
        async () => {
          replaced = true;
          const { IAM_SERVICES } = await import('../../infra/local/iam/iam-services');
          const data = path.join(IAM_DATA, 'data');
          const files: Record<string, string> = {
            'package.json': readFileSync(path.join(IAM_DATA, 'package.json'), 'utf8'),
          };
          for (const entry of readdirSync(data)) {
            if (entry.endsWith('.json'))
              files[`data/${entry}`] = readFileSync(path.join(data, entry), 'utf8');
          }
          for (const service of IAM_SERVICES) {
            for (const kind of ['actions', 'resourceTypes', 'conditionKeys']) {
              files[`data/${kind}/${service}.json`] = readFileSync(
                path.join(data, kind, `${service}.json`),
                'utf8',
              );
            }
          }
          return {
            contents: [
              `const files = ${JSON.stringify(files)};`,
              'export async function readRelativeFile(pathParts) {',
              "  const text = files[pathParts.join('/')];",
              "  if (text === undefined) throw new Error(\"the local cloud's IAM has no data for \" + pathParts.join('/') + ': add its service to IAM_SERVICES');",
              '  return JSON.parse(text);',
              '}',
            ].join('\n'),
            loader: 'js',
          };
        },
      );
      build.onEnd(() =>
        replaced
          ? undefined
          : {
              errors: [
                { text: `iam-data's readRelativeFile.js was not bundled: update ${import.meta.filename}` },
              ],
            },
      );
    },
  };
}

/**
 * Keeps `kismo dev` out of the CLI's bundle: `load-dev.ts`'s `import('./dev')` becomes an
 * `import()` of `kismo-dev.cjs` beside it at run time. Fails the build if that import is not met,
 * and if anything else brings the local cloud, or the AGPL-licensed IAM evaluator, into the
 * bundle the package and the executable ship.
 */
function devApart(): Plugin {
  return {
    name: 'kismo-dev-apart',
    setup(build) {
      let apart = false;
      build.onResolve({ filter: /^\.\/dev$/ }, (args) => {
        if (args.importer !== LOAD_DEV) return undefined;
        apart = true;
        return { path: `./${DEV_BUNDLE_NAME}`, external: true };
      });
      build.onResolve({ filter: /^@cloud-copilot\// }, (args) => ({
        errors: [
          {
            text: `${args.importer} brings ${args.path} (AGPL-3.0) into the CLI's bundle: only kismo dev's may hold it`,
          },
        ],
      }));
      build.onLoad({ filter: /[\\/]infra[\\/]local[\\/]/ }, (args) => ({
        errors: [
          { text: `${args.path} (the local cloud) is in the CLI's bundle: only kismo dev's may hold it` },
        ],
      }));
      build.onEnd(() =>
        apart
          ? undefined
          : { errors: [{ text: `${LOAD_DEV} no longer imports ./dev: update ${import.meta.filename}` }] },
      );
    },
  };
}

export interface CliBundle {
  readonly file: string;
  readonly bytes: number;
  /** `kismo dev`'s bundle: in a checkout only, never packed. */
  readonly dev: { readonly file: string; readonly bytes: number };
}

/**
 * Bundles the CLI into one CommonJS file: kismo's code and every dependency, so it runs wherever
 * Node 22 does, needs no `node_modules`, and is what the package ships and the single executable
 * embeds; and `kismo dev` (the local cloud and every service) into a second one beside it, for
 * checkouts. Written next to their targets and renamed over them, so a running `kismo` never sees
 * half a bundle.
 */
export async function bundleCli(outfile: string = CLI_BUNDLE): Promise<CliBundle> {
  const { build } = await import('esbuild');
  const staging = `${path.dirname(outfile)}.${process.pid}.tmp`;
  const names = [path.basename(outfile), DEV_BUNDLE_NAME];
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // The AWS SDK's ES modules tree-shake; its CommonJS builds do not.
    mainFields: ['module', 'main'],
    minify: true,
    // For `--debug`: stack traces point into the sources (the map names them, without their text).
    sourcemap: true,
    sourcesContent: false,
    absWorkingDir: REPO_ROOT,
    logLevel: 'warning',
  };
  rmSync(staging, { recursive: true, force: true });
  try {
    await Promise.all([
      build({
        ...common,
        entryPoints: [path.join(REPO_ROOT, 'cli', 'bin.ts')],
        outfile: path.join(staging, path.basename(outfile)),
        plugins: [devApart()],
      }),
      build({
        ...common,
        entryPoints: [path.join(REPO_ROOT, 'cli', 'commands', 'dev.ts')],
        outfile: path.join(staging, DEV_BUNDLE_NAME),
        plugins: [servicesOfFolders(), iamDataInside()],
      }),
    ]);
    const dir = path.dirname(outfile);
    mkdirSync(dir, { recursive: true });
    // The CLI's last: a `kismo` started meanwhile finds its `kismo-dev.cjs` already there.
    for (const name of names.toReversed()) {
      renameSync(path.join(staging, `${name}.map`), path.join(dir, `${name}.map`));
      renameSync(path.join(staging, name), path.join(dir, name));
    }
    const dev = path.join(dir, DEV_BUNDLE_NAME);
    return {
      file: outfile,
      bytes: statSync(outfile).size,
      dev: { file: dev, bytes: statSync(dev).size },
    };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
