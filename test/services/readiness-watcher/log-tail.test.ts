import { describe, expect, it } from 'vitest';
import { tail } from '../../../services/readiness-watcher/log-tail';

describe('tail', () => {
  it('keeps the last lines without terminal colours or carriage returns', () => {
    // Prepare
    const log = `${Array.from({ length: 50 }, (_, i) => `\u001b[32mline ${i}\u001b[0m\r`).join('\n')}\n\n`;

    // Act
    const result = tail(log, 3);

    // Assess
    expect(result).toBe('line 47\nline 48\nline 49');
  });

  it('cuts a long last line from its start, keeping the newest characters', () => {
    // Prepare
    const log = `${'a'.repeat(5000)}END`;

    // Act
    const result = tail(log, 40, 100);

    // Assess
    expect(result).toHaveLength(100);
    expect(result.endsWith('END')).toBe(true);
  });
});
