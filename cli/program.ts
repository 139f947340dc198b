import { Command, InvalidArgumentError, Option } from 'commander';
import packageJson from '../package.json' with { type: 'json' };

/** The options every command takes. */
export interface GlobalOptions {
  readonly profile?: string;
  readonly json: boolean;
  readonly debug: boolean;
}

/** An option's parser for a whole number within `min`..`max`, saying so when it is not one. */
function wholeNumber(min: number, max: number, what = 'a whole number'): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`${what} from ${min} to ${max}`);
    }
    return parsed;
  };
}

const port = wholeNumber(0, 65535, 'a port is a whole number');

/**
 * The one place that declares every command and flag. Each command's code is in its own file under
 * `commands/`, loaded only when that command runs, so `--help` stays instant.
 */
export function buildProgram(): Command {
  const program = new Command('kismo')
    .description('A cloud GPU box with your data on it, in one command — stopped when nobody uses it.')
    .version(packageJson.version, '-V, --version', 'print the version of kismo')
    .addOption(new Option('--profile <name>', 'profile to use (local or AWS)').env('KISMO_PROFILE'))
    .option('--json', 'print results as JSON (one object per line)', false)
    .option('--debug', 'print stack traces and debug logs', false)
    .showHelpAfterError('(add --help for usage)')
    // Each command's --help lists --profile, --json and --debug too: they work everywhere.
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ outputError: (text, write) => write(text) });

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();

  program
    .command('dev')
    .description(
      'run the local cloud (in a checkout of kismo): S3, SQS, the bus, every service, a simulated EC2, IAM — on 127.0.0.1',
    )
    .addOption(new Option('--port <n>', 'the port clients use').default(4566).argParser(port))
    .addOption(new Option('--state-dir <dir>', 'where state is kept between runs').default('.kismo/dev'))
    .option('--boot-delay <ms>', 'how long a simulated instance takes to boot', (v) => Number(v), 0)
    .option(
      '--user <name>',
      'another user of the local cloud, with a profile local-<name> (repeatable), to try what one user may do to another',
      (name: string, users: string[]) => [...users, name],
      [] as string[],
    )
    .option(
      '--sso-user <name>',
      'an Identity Center user of the local cloud (a session of the KismoUser permission set carrying kismo-owner=<name>), with a profile local-<name> (repeatable; your own name makes you one)',
      (name: string, users: string[]) => [...users, name],
      [] as string[],
    )
    .option('--no-iam', 'do not check requests against IAM (for debugging: AWS always does)')
    .addHelpText(
      'after',
      `
You (KISMO_OWNER, or your OS user name) and each --user become IAM users of the local cloud, each
--sso-user an Identity Center user (an assumed-role session, as \`aws sso login\` gives on AWS). Each
has the KismoUser policy the stack deploys, a kismo-owner tag naming them, and an instance role of
their own: profile "local" is yours, "local-<name>" each other's. Every request is signed and judged
by the policies of the stack, as on AWS: a person reaches their own users/<owner>/ prefix only,
and reads their sessions' cost ledgers.

Slack messages go to the console unless KISMO_SLACK_TOKEN holds a bot token. Their buttons print
numbered ([1: Terminate]): type the number and Enter to press one as you, through the same
endpoint Slack posts presses to (/slack/actions on the local cloud).

Examples:
  kismo dev --user bob --sso-user carol
  kismo push ./data -t g4dn.xlarge --profile local-carol --yes
  kismo doctor --profile local-carol`,
    )
    .action(async (options) =>
      (await (await import('./commands/load-dev')).loadDev()).dev(options, globals()),
    );

  program
    .command('init')
    .description('write a profile for a deployed stack: where kismo is (its outputs) and who you are in it')
    .option('--stack <name>', 'the stack `npx cdk deploy` created', 'kismo')
    .option('--region <region>', 'its region (default: your AWS configuration)')
    .option('--name <profile>', 'the profile to write', 'aws')
    .option(
      '--aws-profile <name>',
      "the AWS CLI profile to sign in with, e.g. an SSO one (default: the SDK's chain)",
    )
    .option('--owner <name>', 'your owner, when it is not your user or session name (IAM proves it)')
    .addHelpText(
      'after',
      `
Your owner is the kismo-owner tag an administrator gave your identity: an IAM user's own tag, or
the attribute Identity Center maps for your session. IAM scopes all you may do to users/<owner>/;
init proves which owner that is and keeps it in the profile.

Examples:
  kismo init --aws-profile team        (after: aws sso login --profile team)
  kismo init --stack kismo --region eu-west-1`,
    )
    .action(async (options) => (await import('./commands/init')).init(options, globals()));

  program
    .command('doctor')
    .description('show the profile, who you are, and whether kismo answers')
    .addHelpText(
      'after',
      `
It says how you signed in (IAM user, Identity Center user or role session) and as which identity,
your owner, and whether IAM lets you list your own users/<owner>/ folder. A signed-in identity that
is not the one \`kismo init\` proved the owner for proves its own.

Examples:
  kismo doctor --profile aws
  kismo doctor --profile local-carol --json`,
    )
    .action(async () => (await import('./commands/doctor')).doctor(globals()));

  program
    .command('push')
    .description(
      'sync a folder to your datasets in S3, then request an instance with it (the manifest, written last)',
    )
    .argument('<dir>', 'the folder to push; .kismoignore (gitignore syntax) leaves files out')
    .option(
      '-t, --type <type>',
      'instance type, e.g. p3.2xlarge (on a terminal, omit it to pick from the allowed ones)',
    )
    .option('--name <name>', "dataset name (default: the folder's name)")
    .option('--run <cmd>', 'command to run in the dataset folder once the data is on the instance')
    .option(
      '--outputs <path>',
      'folder (relative to the dataset) uploaded when --run ends (default: outputs/)',
    )
    .addOption(
      new Option('--then <action>', 'what the instance does when --run ends').choices([
        'terminate',
        'stop',
        'keep',
      ]),
    )
    .addOption(
      new Option('--concurrency <n>', 'files and requests in flight at once')
        .default(16)
        .argParser(wholeNumber(1, 256)),
    )
    .option(
      '--wait',
      "follow the session until it is ready or failed; with --run, until the run ends, and exit with the run's code",
    )
    .option('--no-wait', 'end once the manifest is written, without waiting for the launch')
    .option('-y, --yes', 'do not ask for confirmation', false)
    .option(
      '--replace',
      'push over a dataset of the same name last pushed from another folder or machine (its files not here are deleted)',
      false,
    )
    .option(
      '--verify',
      'list the bucket to check every object, even when the last push of this dataset was this machine’s',
      false,
    )
    .addHelpText(
      'after',
      `
Only new and changed files are sent (a local index under $XDG_STATE_HOME/kismo remembers what was
confirmed); files deleted locally are deleted in the bucket (it keeps old versions). An interrupted
push, run again, sends only what is missing. The manifest is written last, after every file is in
place; an interrupted push never leaves one behind.

What the bucket holds is checked against a listing of the dataset, unless the dataset's sync
record (users/<owner>/sync/<name>.json) shows that the last push of it was this machine's: then
one small read stands for the listing. Changed objects by hand, outside kismo? Use --verify.

push follows users/<owner>/sessions/<id>/status.json, which the session journal writes: on a
terminal until the session is ready; off one (a script), until the launch is accepted or refused,
so the exit code says which (1 if refused); --wait, until ready; --wait with --run, until the run
ends, exiting with the run's exit code, or 255 if the session failed before the run could end
(as ssh does with a remote command). Where no journal runs yet, push says so and is done once the
manifest is written.

Examples:
  kismo push ./data -t p3.2xlarge
  kismo push ./data -t g5.xlarge --run 'python train.py' --then stop --wait
  kismo push ./data -t g4dn.xlarge --name mnist-v2 --yes --json`,
    )
    .action(async (dir: string, options) => {
      await (await import('./commands/push')).push(dir, options, globals());
    });

  program
    .command('status')
    .description('show a session: state, instance, address, how to connect, price')
    .argument('<session>', 'the session id (`kismo ls` lists them)')
    .addHelpText(
      'after',
      '\nExamples:\n  kismo status 20261130-010000-ab12cd\n  kismo status 20261130-010000-ab12cd --json',
    )
    .action(async (session: string) => (await import('./commands/status')).status(session, globals()));

  program
    .command('ls')
    .description(
      'list your sessions, newest first: state, type, uptime, idle strikes, price, cost so far (estimate)',
    )
    .addHelpText('after', '\nExamples:\n  kismo ls\n  kismo ls --profile aws --json')
    .action(async () => (await import('./commands/ls')).ls(globals()));

  program
    .command('cost')
    .description(
      'what your sessions ran and cost, and what idle stops saved: per session and in total (estimates)',
    )
    .option(
      '--since <date>',
      'sessions active since this day, YYYY-MM-DD, UTC (default: the start of this month)',
    )
    .addHelpText(
      'after',
      `
The figures of the morning summary on Slack, from the cost estimator's ledgers of your sessions
(kismo/costs/<owner>/, which you may read, not write): hours run; cost, for compute the hours it
ran and for the volume every hour it existed; hours stopped for idleness and what they would have
cost running; and what stopped instances' volumes still cost a month. On-demand prices, no taxes
or data transfer; each session over its whole life, if it ran or stood stopped since the day.

Examples:
  kismo cost
  kismo cost --since 2026-11-01 --json`,
    )
    .action(async (options: { since?: string }) =>
      (await import('./commands/cost')).cost(options, globals()),
    );

  program
    .command('pull')
    .description("download a session's outputs (what --run left in its outputs folder)")
    .argument('<session>', 'the session id (`kismo ls` lists them)')
    .argument('[dir]', 'where to put them (default: ./<session>-outputs)')
    .addOption(
      new Option('--concurrency <n>', 'files in flight at once').default(8).argParser(wholeNumber(1, 64)),
    )
    .addHelpText(
      'after',
      `
Only files missing or changed in DIR are fetched (DIR/.kismo-pull.json remembers what was); a file
is written beside its name and renamed once whole, and an interrupted pull, run again, resumes it.

Examples:
  kismo pull 20261130-010000-ab12cd
  kismo pull 20261130-010000-ab12cd ./results --json`,
    )
    .action(async (session: string, dir: string | undefined, options: { concurrency: number }) =>
      (await import('./commands/pull')).pull(session, dir, options, globals()),
    );

  const control =
    '\nkismo writes a request under your session; session-control, which has the EC2 rights you do not,\nchecks that the session is yours and acts within seconds. `kismo status SESSION` shows the result.';
  program
    .command('stop')
    .description("stop a session's instance: its disk stays, business hours do not start it again")
    .argument('<session>', 'the session id (`kismo ls` lists them)')
    .addHelpText('after', `${control}\n\nExample:\n  kismo stop 20261130-010000-ab12cd`)
    .action(async (session: string) => (await import('./commands/stop')).stop(session, globals()));

  program
    .command('start')
    .description("start a session's stopped instance again")
    .argument('<session>', 'the session id (`kismo ls` lists them)')
    .addHelpText('after', `${control}\n\nExample:\n  kismo start 20261130-010000-ab12cd`)
    .action(async (session: string) => (await import('./commands/start')).start(session, globals()));

  program
    .command('down')
    .description("terminate a session's instance for good (the dataset and outputs stay in S3)")
    .argument('<session>', 'the session id (`kismo ls` lists them)')
    .addHelpText('after', `${control}\n\nExample:\n  kismo down 20261130-010000-ab12cd`)
    .action(async (session: string) => (await import('./commands/down')).down(session, globals()));

  program
    .command('keep')
    .description("keep a session's instance running until a time, idle or not")
    .argument('<session>', 'the session id (`kismo ls` lists them)')
    .requiredOption(
      '--until <time>',
      'an ISO time (2026-12-01T09:00, local unless it has a zone), HH:MM, "tomorrow HH:MM", or a duration: 3h, 90m, 1d',
    )
    .addHelpText(
      'after',
      `${control}\n\nExamples:\n  kismo keep 20261130-010000-ab12cd --until 3h\n  kismo keep 20261130-010000-ab12cd --until 'tomorrow 09:00'`,
    )
    .action(async (session: string, options: { until: string }) =>
      (await import('./commands/keep')).keep(session, options, globals()),
    );

  return program;
}
