import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AssetHashType, DockerImage, Stack } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { REPO_ROOT } from './bundle-function';

const REBUNDLE = path.join(import.meta.dirname, 'rebundle.ts');

/**
 * Bundles a stack's functions with `bundleFunction` (esbuild's API with the plugins of plugins.ts, which
 * esbuild's CLI, what NodejsFunction runs, cannot take). CDK asks for one asset at a time and
 * synchronously; the first request bundles every function of the stack in one child process, in
 * parallel, and each request then takes its own bundle: a synth pays one Node start, not one per
 * function.
 */
export class FunctionBundler {
  private static readonly byStack = new WeakMap<Stack, FunctionBundler>();
  private readonly entries: string[] = [];
  private readonly bundled = new Map<string, string>();

  static of(scope: IConstruct): FunctionBundler {
    const stack = Stack.of(scope);
    let bundler = FunctionBundler.byStack.get(stack);
    if (!bundler) {
      bundler = new FunctionBundler();
      FunctionBundler.byStack.set(stack, bundler);
    }
    return bundler;
  }

  /** The code of a function whose entry is `entry`; bundled only if the synth bundles its stack. */
  code(entry: string): Code {
    const absolute = path.resolve(entry);
    this.entries.push(absolute);
    return Code.fromAsset(path.dirname(absolute), {
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never pulled: local bundling always answers (esbuild is a dev dependency).
        image: DockerImage.fromRegistry('kismo-bundles-locally'),
        local: {
          tryBundle: (outputDir: string): boolean => {
            cpSync(this.bundleOf(absolute), outputDir, { recursive: true });
            return true;
          },
        },
      },
    });
  }

  private bundleOf(entry: string): string {
    const known = this.bundled.get(entry);
    if (known) return known;
    const pending = [...new Set(this.entries)].filter((e) => !this.bundled.has(e));
    const root = mkdtempSync(path.join(tmpdir(), 'kismo-bundles-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    const run = spawnSync(process.execPath, ['--import', 'tsx', REBUNDLE, root, ...pending], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (run.status !== 0)
      throw new Error(`bundling the functions failed:\n${run.stderr || run.error?.message}`);
    pending.forEach((e, i) => {
      this.bundled.set(e, path.join(root, String(i)));
    });
    return this.bundled.get(entry) as string;
  }
}
