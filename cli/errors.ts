/** An error a user can act on: a code to search for, and a message that says what to do next. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** One line on stderr; the stack trace only with `--debug`. */
export function formatError(error: unknown, debug: boolean): string {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  const head = `kismo: ${typeof code === 'string' ? `${code}: ` : ''}${e.message}`;
  if (debug && e.stack) return `${head}\n${e.stack}`;
  if (!(e instanceof CliError) && typeof code !== 'string') return `${head} (run with --debug for details)`;
  return head;
}
