// First: zod reads its configuration when a schema is built, not when it parses.
import './validation';
import { CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { CliError, formatError } from './errors';
import { buildProgram } from './program';

/** Commander's ways of ending that are no failure: help and the version, shown as asked. */
const NOT_FAILURES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/**
 * Runs the CLI; resolves to the process exit code. An error is one line on stderr and, with
 * `--json`, also one JSON object on stdout (`{"error":{"code","message"}}`), so a script reading
 * stdout sees every outcome as JSON.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  if (json && (argv.includes('--version') || argv.includes('-V'))) {
    process.stdout.write(`${JSON.stringify({ version: packageJson.version })}\n`);
    return 0;
  }
  const program = buildProgram().exitOverride();
  // Subcommands take the override only when made after it: set it on each, so every usage error
  // comes back here instead of ending the process.
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has said what was wrong on stderr already.
      if (json && !NOT_FAILURES.has(error.code) && error.exitCode !== 0) {
        writeJsonError('USAGE', error.message.replace(/^error: /, ''));
      }
      return error.exitCode;
    }
    process.stderr.write(`${formatError(error, argv.includes('--debug'))}\n`);
    if (json) {
      const named = (error as { code?: unknown }).code;
      const code = typeof named === 'string' ? named : 'INTERNAL';
      writeJsonError(code, error instanceof Error ? error.message : String(error));
    }
    return error instanceof CliError ? error.exitCode : 1;
  }
}

function writeJsonError(code: string, message: string): void {
  process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
}
