import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../userdata/shell-quote';

/** What bash makes of quoted words: each printed back, NUL-separated, by one bash process. */
function throughBash(values: readonly string[]): string[] {
  const script = `printf '%s\\0' ${values.map(shellQuote).join(' ')}\n`;
  const output = execFileSync('/bin/bash', ['-c', script], { encoding: 'utf8' });
  return output.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('single-quotes, and escapes a single quote as close, escaped quote, reopen', () => {
    expect(shellQuote('plain')).toBe("'plain'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  it('gives bash back exactly the text, whatever it holds', () => {
    // Prepare
    const nasty = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0'));
    const samples = fc
      .sample(fc.array(nasty, { minLength: 1, maxLength: 50 }), { numRuns: 4, seed: 42 })
      .flat();
    const handPicked = [
      "'",
      "'\\''",
      '$(touch x)',
      '`id`',
      '\n;\n',
      '$HOME',
      '!!',
      '\\',
      '"',
      '*',
      '-n',
      `\${x:-y}`,
    ];

    // Act
    const echoed = throughBash([...handPicked, ...samples]);

    // Assess
    expect(echoed).toEqual([...handPicked, ...samples]);
  });

  it('refuses a NUL, which bash would cut the value at', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});
