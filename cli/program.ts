import { Command, InvalidArgumentError, Option } from 'commander';

/** The options every command takes. */
export interface GlobalOptions {
  readonly profile?: string;
  readonly json: boolean;
  readonly debug: boolean;
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  }
  return parsed;
}

/**
 * The one place that declares every command and flag. Each command's code is in its own file under
 * `commands/`, loaded only when that command runs, so `--help` stays instant.
 */
export function buildProgram(): Command {
  const program = new Command('kismo')
    .description('A cloud GPU box with your data on it, in one command — stopped when nobody uses it.')
    .addOption(new Option('--profile <name>', 'profile to use (local or AWS)').env('KISMO_PROFILE'))
    .option('--json', 'print results as JSON (one object per line)', false)
    .option('--debug', 'print stack traces and debug logs', false)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text) });

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();

  program
    .command('dev')
    .description('run the local cloud: S3, SQS, the bus, every service, a simulated EC2 — on 127.0.0.1')
    .addOption(new Option('--port <n>', 'the port clients use').default(4566).argParser(port))
    .addOption(new Option('--state-dir <dir>', 'where state is kept between runs').default('.kismo/dev'))
    .option('--boot-delay <ms>', 'how long a simulated instance takes to boot', (v) => Number(v), 0)
    .action(async (options) => (await import('./commands/dev')).dev(options, globals()));

  program
    .command('doctor')
    .description('show the profile, who you are, and whether kismo answers')
    .action(async () => (await import('./commands/doctor')).doctor(globals()));

  program
    .command('status')
    .description('show a session: state, instance, address, how to connect, price')
    .argument('<session>', 'the session id (`kismo ls` lists them)')
    .action(async (session: string) => (await import('./commands/status')).status(session, globals()));

  program
    .command('ls')
    .description('list your sessions, newest first: state, type, uptime, idle strikes, price')
    .action(async () => (await import('./commands/ls')).ls(globals()));

  return program;
}
