import { describe, expect, it } from 'vitest';

describe('the toolchain', () => {
  it('runs the tests on Node 22.5 or newer (node@22 from npm, not the machine Node 20)', () => {
    // Prepare: `npm ci --ignore-scripts` skips node@22's install and everything falls back silently.
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);

    // Assess
    expect(major > 22 || (major === 22 && minor >= 5), `running on Node ${process.version}`).toBe(true);
  });
});
