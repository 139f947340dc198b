import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKismoApp } from '../../../infra/aws/kismo-app';
import { BUNDLE_FILE, MAX_BUNDLE_BYTES } from '../../../infra/bundling/bundle-function';
import { FIXTURE_SERVICES, shippedContext } from '../aws/support';

const out = mkdtempSync(path.join(tmpdir(), 'kismo-bundles-'));

/** The function assets a synth wrote, by function name. */
function functionAssets(assembly: string, template: Record<string, unknown>): Map<string, string> {
  const resources = (
    template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }
  ).Resources;
  const assets = new Map<string, string>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const key = (resource.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
    assets.set(resource.Properties.FunctionName as string, path.join(assembly, `asset.${key}`, BUNDLE_FILE));
  }
  return assets;
}

/** Imports a bundle in a fresh Node, as Lambda's runtime would, and tells whether it exports a handler. */
function exportsHandler(file: string): string {
  const probe = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(typeof m.handler);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', NODE_OPTIONS: '--enable-source-maps' },
    encoding: 'utf8',
  });
  return result.status === 0 ? result.stdout : `failed: ${result.stderr}`;
}

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('the deployed bundles (a real bundling synth of the fixture services)', () => {
  let assets: Map<string, string>;

  beforeAll(async () => {
    const assembly = path.join(out, 'cdk.out');
    const app = new App({
      outdir: assembly,
      builtinCloudFormationValidation: false,
      context: { kismo: shippedContext() },
    });
    const { stack } = await createKismoApp({ app, servicesRoot: FIXTURE_SERVICES });
    const template = app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
    assets = functionAssets(assembly, template);
  }, 240_000);

  it('are at most 1 MiB each, and load and export a handler in a fresh Node', () => {
    // Assess
    expect([...assets.keys()].sort()).toEqual([
      'kismo-sample-launcher',
      'kismo-sample-monitor',
      'kismo-slack-actions',
    ]);
    for (const [name, file] of assets) {
      expect(statSync(file).size, name).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
      expect(existsSync(`${file}.map`), `${name} has a source map`).toBe(true);
      expect(exportsHandler(file), name).toBe('function');
    }
  });

  it('leave out what esbuild alone would keep: zod’s locales (German, French…) and EC2 operations never called', () => {
    // Act
    const code = readFileSync(assets.get('kismo-sample-monitor') as string, 'utf8');

    // Assess
    expect(code).toContain('StopInstances');
    expect(code).not.toContain('WithdrawByoipCidr');
    expect(code).not.toMatch(/erwartet|attendu/);
  });

  it('hold the SDK clients of the ports their service declares, and no others', () => {
    // Act
    const launcher = readFileSync(assets.get('kismo-sample-launcher') as string, 'utf8');
    const monitor = readFileSync(assets.get('kismo-sample-monitor') as string, 'utf8');

    // Assess: the launcher uses objects, compute and the bus (it emits); the monitor every port.
    const holds = (code: string, operation: string) => code.includes(operation);
    for (const operation of ['RunInstances', 'PutObject', 'PutEvents']) {
      expect(holds(launcher, operation), `launcher: ${operation}`).toBe(true);
    }
    expect(holds(monitor, 'GetParameter'), 'monitor: GetParameter').toBe(true);
    expect(holds(launcher, 'GetParameter'), 'launcher: GetParameter').toBe(false);
    for (const code of [launcher, monitor])
      expect(holds(code, 'GetMetricData'), 'no CloudWatch client').toBe(false);
  });

  it('take credentials from the Lambda environment, without the SDK’s SSO and profile chain', () => {
    // Act
    const code = readFileSync(assets.get('kismo-sample-monitor') as string, 'utf8');

    // Assess
    expect(code.includes('AWS_ACCESS_KEY_ID')).toBe(true);
    expect(code.includes('AWS_CONTAINER_CREDENTIALS_FULL_URI')).toBe(true);
    expect(code.includes('sso_start_url')).toBe(false);
    expect(code.includes('AssumeRoleWithWebIdentity')).toBe(false);
  });

  it('require Node’s built-ins rather than import them (no ES-module facade, so no undici at load)', () => {
    // Act
    const code = readFileSync(assets.get('kismo-sample-launcher') as string, 'utf8');

    // Assess
    expect(/\w\("(node:)?http"\)/.test(code)).toBe(true);
    expect(/(from|import)\s*"(node:)?[a-z_/]+"/.test(code)).toBe(false);
  });
});
