import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STACK_NAME } from '../../../contracts/stack-outputs';
import { BUNDLE_FILE, MAX_BUNDLE_BYTES, REPO_ROOT } from '../../../infra/bundling/bundle-function';
import { discoverServices } from '../../../services/kit/discover';

const out = mkdtempSync(path.join(tmpdir(), 'kismo-cdk-out-'));
let run: { code: number | null; stderr: string };

/** `npx cdk synth`, as a person runs it at the repository root: the app in cdk.json, offline. */
function cdkSynth(outdir: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', outdir], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CI: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

beforeAll(async () => {
  run = await cdkSynth(out);
}, 300_000);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('npx cdk synth', () => {
  it('produces the kismo template offline, cdk-nag passing', () => {
    // Act
    const template = JSON.parse(readFileSync(path.join(out, 'Kismo.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { properties?: { stackName?: string } }>;
    };

    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(manifest.artifacts.Kismo?.properties?.stackName).toBe(DEFAULT_STACK_NAME);
    expect(Object.values(template.Resources).some((r) => r.Type === 'AWS::Events::EventBus')).toBe(true);
  });

  it('wires every service folder, each bundle within 1 MiB', async () => {
    // Prepare
    const services = await discoverServices();
    const template = JSON.parse(readFileSync(path.join(out, 'Kismo.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };

    // Act
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');

    // Assess
    expect(functions.map((f) => f.Properties.FunctionName).sort()).toEqual(
      [...services.map(({ service }) => `kismo-${service.name}`), 'kismo-slack-actions'].sort(),
    );
    for (const f of functions) {
      const key = (f.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
      const bytes = statSync(path.join(out, `asset.${key}`, BUNDLE_FILE)).size;
      expect(bytes, String(f.Properties.FunctionName)).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
    }
  });
});
