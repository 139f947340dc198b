import path from 'node:path';
import readline from 'node:readline';
import { ConsoleChat } from '../../infra/local/chat/console-chat';
import { LocalCloud } from '../../infra/local/cloud';
import type { SignIn } from '../../infra/local/iam/local-iam';
import { localSlackMember } from '../../infra/local/slack-app';
import { createSlackClient, slackChat } from '../../services/kit/ports/chat';
import { writeProfile } from '../config/profiles';
import { localOwner } from '../context';
import { CliError } from '../errors';
import type { GlobalOptions } from '../program';
import { stopwatch } from '../stopwatch';

export interface DevOptions {
  readonly port: number;
  readonly stateDir: string;
  readonly bootDelay: number;
  /** More users than you, IAM users each with a profile `local-<name>`. */
  readonly user?: readonly string[];
  /** Identity Center users (sessions of the KismoUser permission set's role), each with a profile `local-<name>`. */
  readonly ssoUser?: readonly string[];
  /** `false` with `--no-iam`: no request is checked. */
  readonly iam: boolean;
}

/** The profile a user of the local cloud gets: `local` for you, `local-<name>` for the others. */
export function localProfileName(user: string, you: string): string {
  return user === you ? 'local' : `local-${user}`;
}

/**
 * Makes `owner` a person of the local cloud (signed in as `signIn`, tagged as that owner), and
 * writes the profile `name` with their keys and identity, to `file` (the user's configuration
 * unless told): what `kismo dev` does for each person, and the demo and tests after it.
 */
export function addPerson(
  cloud: LocalCloud,
  name: string,
  owner: string,
  options: { readonly signIn?: SignIn; readonly file?: string } = {},
): void {
  const credentials = cloud.addUser(owner, { signIn: options.signIn ?? 'iam-user' });
  const principal = cloud.principalOf(credentials);
  writeProfile(
    name,
    {
      kind: 'local',
      endpoint: cloud.endpoint,
      region: cloud.region,
      bucket: cloud.bucket,
      busName: cloud.config.busName,
      credentials,
      owner,
      ...(principal ? { principal } : {}),
      stateDir: cloud.stateDir,
    },
    options.file,
  );
}

/**
 * `kismo dev`: starts the local cloud, makes you (KISMO_OWNER, or your OS user name) and every
 * `--user` an IAM user of it, and every `--sso-user` an Identity Center user, each tagged as the
 * owner of their name, with a profile of their own; prints one `ready` line, and runs until
 * Ctrl-C, when it stops cleanly (state stays in the state directory).
 */
export async function dev(options: DevOptions, globals: GlobalOptions): Promise<void> {
  const elapsed = stopwatch();
  const stateDir = path.resolve(options.stateDir);
  const you = localOwner();
  const people = peopleOf(you, options);
  // Real Slack when a token is given; the console otherwise.
  const token = process.env.KISMO_SLACK_TOKEN;
  // Each person is a Slack member of the console chat, so messages mention them and they may press.
  const members = Object.fromEntries([...people.keys()].map((name) => [name, localSlackMember(name)]));
  const cloud = await LocalCloud.start({
    port: options.port,
    stateDir,
    bootDelayMs: options.bootDelay,
    iam: options.iam,
    config: { slack: { users: members } },
    ...(token ? { chat: slackChat(createSlackClient(token)) } : {}),
  });
  const profiles = [...people].map(([user, signIn]) => {
    const name = localProfileName(user, you);
    addPerson(cloud, name, user, { signIn });
    return { profile: name, owner: user, signIn };
  });
  // Listening before the ready line: whoever reads it may send Ctrl-C at once.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const seconds = elapsed().toFixed(2);
  const ready = {
    status: 'ready',
    endpoint: cloud.endpoint,
    profile: 'local',
    profiles,
    iam: options.iam,
    bucket: cloud.bucket,
    services: cloud.services.map((s) => s.name),
    stateDir,
    seconds: Number(seconds),
  };
  const who = profiles
    .map((p) => `"${p.profile}" for ${p.owner}${p.signIn === 'identity-center' ? ' (Identity Center)' : ''}`)
    .join(', ');
  const iam = options.iam
    ? 'IAM enforced'
    : 'IAM NOT enforced (--no-iam): anyone may do anything, which AWS never allows';
  process.stdout.write(
    globals.json
      ? `${JSON.stringify(ready)}\n`
      : `kismo local cloud ready at ${cloud.endpoint} in ${seconds}s (profiles ${who}; ${iam}; bucket ${cloud.bucket}, ${ready.services.length} services; Ctrl-C stops it)\n`,
  );
  const presses =
    cloud.chat instanceof ConsoleChat ? pressByNumber(cloud, cloud.chat, members[you] ?? '') : undefined;
  await stopped;
  presses?.close();
  process.stderr.write('kismo dev: stopping…\n');
  await cloud.stop();
  process.stderr.write(`kismo dev: stopped; state kept in ${stateDir}\n`);
}

/**
 * Who the local cloud has, by name, and how each signs in: you (an IAM user, unless you name
 * yourself with `--sso-user`), each `--user` and each `--sso-user`.
 *
 * @throws CliError `BAD_USER` for a name given both ways: one name is one person
 */
function peopleOf(you: string, options: DevOptions): Map<string, SignIn> {
  const valid = (name: string) => localOwner({ KISMO_OWNER: name });
  const sso = new Set((options.ssoUser ?? []).map(valid));
  const people = new Map<string, SignIn>([[you, sso.has(you) ? 'identity-center' : 'iam-user']]);
  for (const name of (options.user ?? []).map(valid)) {
    if (sso.has(name)) {
      throw new CliError(
        'BAD_USER',
        `${name} is given as both --user and --sso-user: a person signs in one way; pick one`,
      );
    }
    people.set(name, 'iam-user');
  }
  for (const name of sso) people.set(name, 'identity-center');
  return people;
}

/**
 * Buttons on the console: a message's buttons print with numbers (`[3: Stop now]`); typing `3`
 * and Enter presses button 3 as you, through `/slack/actions` as Slack would post it.
 */
function pressByNumber(cloud: LocalCloud, chat: ConsoleChat, you: string): readline.Interface {
  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  lines.on('line', (line) => {
    const number = /^\s*(\d+)\s*$/.exec(line)?.[1];
    if (!number) return;
    const button = chat.buttons[Number(number) - 1];
    if (!button) {
      process.stderr.write(`kismo dev: no button ${number} (the console has shown ${chat.buttons.length})\n`);
      return;
    }
    cloud.slack.press(button, you).then(
      ({ status, body }) => {
        if (status !== 200)
          process.stderr.write(`kismo dev: button ${number} refused (${status}): ${body}\n`);
      },
      (error: Error) => process.stderr.write(`kismo dev: button ${number} failed: ${error.message}\n`),
    );
  });
  return lines;
}
