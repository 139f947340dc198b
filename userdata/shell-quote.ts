/**
 * The one way a value enters a kismo shell script: in single quotes, where bash gives no character
 * a meaning, so `$(…)`, backticks, `;`, newlines and globs stay text. A single quote cannot be
 * escaped inside single quotes, so it closes the quotes, adds an escaped quote and reopens them.
 * Bash variables cannot hold a NUL byte, so such a value is refused rather than cut short.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell value cannot hold a NUL character');
  return `'${value.replaceAll("'", "'\\''")}'`;
}
