// First: zod reads its configuration when a schema is built, not when it parses.
import './validation';
import { CommanderError } from 'commander';
import { CliError, formatError } from './errors';
import { buildProgram } from './program';

/** Runs the CLI; resolves to the process exit code. Errors are one line on stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`${formatError(error, argv.includes('--debug'))}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
