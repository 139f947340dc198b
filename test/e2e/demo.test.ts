// `npm run demo` is the README's first command: it must keep working, start to end.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function runDemo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/demo.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', CI: 'true' },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not finish:\n${output}`));
    }, 170_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm run demo', () => {
  it('pushes, boots, mentions, stops at night and restarts in the morning', {
    timeout: 180_000,
  }, async () => {
    // Act
    const { code, output } = await runDemo();

    // Assess
    expect(code, output).toBe(0);
    expect(output).toContain('holds the dataset byte for byte ✓');
    expect(output).toMatch(/Instance Idle\s+i-[0-9a-f]+: mention/);
    expect(output).toMatch(/Instance Stopped\s+i-[0-9a-f]+: idle/);
    expect(output).toMatch(/is now stopped/);
    expect(output).toMatch(/Instance Restarted\s+i-[0-9a-f]+: business-hours/);
    expect(output).toMatch(/is now running/);
  });
});
