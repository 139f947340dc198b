// `npm run demo` is the README's first command: it must keep working, start to end.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../support/run-process';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The demo as `npm run demo` runs it, its output and errors as one text. */
async function runDemo(): Promise<{ code: number | null; output: string }> {
  const run = await runProcess(
    process.execPath,
    [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/demo.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', CI: 'true' },
      timeoutMs: 170_000,
    },
  );
  return { code: run.code, output: `${run.stdout}${run.stderr}` };
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
    // The owner presses a button on the idle mention; Slack markup reads as Slack shows it.
    expect(output).toMatch(/@demo pressed Keep 2 h at 11:10/);
    expect(output).not.toMatch(/<@U[A-Z0-9]+>/);
    // The estimator: the price at launch, and the morning's summary with the night's saving.
    expect(output).toMatch(/Cost Estimated\s+i-[0-9a-f]+ costs \$3\.06\/h, \$0\.00 so far \(estimate\)/);
    expect(output).toMatch(
      /@demo your 1 kismo session\(s\): ran 10\.3 h, cost \$31\.87 .*Idle stops saved 12\.8 h, \$39\.27/,
    );
    // Not on a terminal: no escape codes.
    expect(output.includes('\x1b[')).toBe(false);
  });
});
