import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runKismo, startKismo, stopWith } from '../support/cli-process';
import { writeTree } from '../support/push-fixtures';

describe('kismo dev', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-dev-'));
    env = { XDG_CONFIG_HOME: path.join(home, 'config'), KISMO_OWNER: 'ada', KISMO_PROFILE: '' };
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('says ready with its endpoint, writes the local profile, stops on Ctrl-C and keeps its state', async () => {
    // Prepare
    const stateDir = path.join(home, 'state');
    const args = ['dev', '--port', '0', '--state-dir', stateDir];

    // Act: first run
    const first = await startKismo(args, env, /ready/);
    const endpoint = /http:\/\/127\.0\.0\.1:\d+/.exec(first.line)?.[0] ?? '';
    const profile = JSON.parse(readFileSync(path.join(home, 'config/kismo/config.json'), 'utf8')).profiles
      .local;
    const doctor = await runKismo(['doctor', '--profile', 'local', '--json'], env);
    const s3 = new S3Client({
      endpoint,
      region: profile.region,
      credentials: profile.credentials,
      forcePathStyle: true,
    });
    await s3.send(
      new PutObjectCommand({ Bucket: profile.bucket, Key: 'users/ada/kept.txt', Body: 'still here' }),
    );
    s3.destroy();
    const firstExit = await stopWith(first.child, 'SIGINT');

    // Act: second run, on the same state
    const second = await startKismo(args, env, /ready/);
    const endpoint2 = /http:\/\/127\.0\.0\.1:\d+/.exec(second.line)?.[0] ?? '';
    const s3again = new S3Client({
      endpoint: endpoint2,
      region: profile.region,
      credentials: profile.credentials,
      forcePathStyle: true,
    });
    const kept = await s3again.send(
      new GetObjectCommand({ Bucket: profile.bucket, Key: 'users/ada/kept.txt' }),
    );
    const body = await kept.Body?.transformToString();
    s3again.destroy();
    const secondExit = await stopWith(second.child, 'SIGTERM');

    // Assess
    expect(first.line).toMatch(/ready at http:\/\/127\.0\.0\.1:\d+/);
    expect(profile).toMatchObject({ kind: 'local', endpoint, bucket: 'kismo-local', region: 'us-east-1' });
    expect(doctor.code).toBe(0);
    expect(JSON.parse(doctor.stdout)).toMatchObject({ profile: 'local', owner: 'ada', reachable: true });
    expect(firstExit).toBe(0);
    expect(first.stderr()).toMatch(/stopped; state kept/);
    expect(body).toBe('still here');
    expect(secondExit).toBe(0);
  });

  it('writes a profile per --user and --sso-user, each reaching its own prefix only; --no-iam says it checks nothing', async () => {
    // Prepare
    const stateDir = path.join(home, 'users');
    const config = () =>
      JSON.parse(readFileSync(path.join(home, 'config/kismo/config.json'), 'utf8')).profiles;
    const clientOf = (profile: {
      endpoint: string;
      region: string;
      credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    }) =>
      new S3Client({
        endpoint: profile.endpoint,
        region: profile.region,
        credentials: profile.credentials,
        forcePathStyle: true,
      });
    const put = (s3: S3Client, Key: string) =>
      s3.send(new PutObjectCommand({ Bucket: 'kismo-local', Key, Body: 'x' })).then(
        () => 'allowed',
        (error: Error) => error.name,
      );

    // Act: IAM on
    const strict = await startKismo(
      ['dev', '--port', '0', '--state-dir', stateDir, '--user', 'bob', '--sso-user', 'carol', '--json'],
      env,
      /ready/,
    );
    const { local, 'local-bob': bob, 'local-carol': carol } = config();
    const [ada, bobs, carols] = [clientOf(local), clientOf(bob), clientOf(carol)];
    const outcomes = {
      adaOwn: await put(ada, 'users/ada/a.txt'),
      adaIntoBob: await put(ada, 'users/bob/planted.txt'),
      bobOwn: await put(bobs, 'users/bob/b.txt'),
      bobIntoKismo: await put(bobs, 'kismo/planted.txt'),
      carolOwn: await put(carols, 'users/carol/c.txt'),
      carolIntoAda: await put(carols, 'users/ada/planted.txt'),
    };
    for (const client of [ada, bobs, carols]) client.destroy();
    const doctor = await runKismo(['doctor', '--profile', 'local-carol', '--json'], env);
    await stopWith(strict.child, 'SIGINT');

    // Act: IAM off
    const lax = await startKismo(['dev', '--port', '0', '--state-dir', stateDir, '--no-iam'], env, /ready/);
    await stopWith(lax.child, 'SIGINT');

    // Assess
    expect(JSON.parse(strict.line)).toMatchObject({
      iam: true,
      profiles: [
        { profile: 'local', owner: 'ada', signIn: 'iam-user' },
        { profile: 'local-bob', owner: 'bob', signIn: 'iam-user' },
        { profile: 'local-carol', owner: 'carol', signIn: 'identity-center' },
      ],
    });
    expect(bob).toMatchObject({
      kind: 'local',
      owner: 'bob',
      principal: 'arn:aws:iam::000000000000:user/bob',
    });
    expect(bob.credentials.accessKeyId).not.toBe(local.credentials.accessKeyId);
    expect(carol.principal).toMatch(
      /^arn:aws:sts::000000000000:assumed-role\/AWSReservedSSO_KismoUser_\w+\/carol$/,
    );
    expect(carol.credentials.sessionToken).toEqual(expect.any(String));
    expect(outcomes).toEqual({
      adaOwn: 'allowed',
      adaIntoBob: 'AccessDenied',
      bobOwn: 'allowed',
      bobIntoKismo: 'AccessDenied',
      carolOwn: 'allowed',
      carolIntoAda: 'AccessDenied',
    });
    expect(JSON.parse(doctor.stdout)).toMatchObject({
      profile: 'local-carol',
      owner: 'carol',
      signIn: 'identity-center',
      principal: carol.principal,
    });
    expect(lax.line).toMatch(/IAM NOT enforced \(--no-iam\)/);
  });

  it('prints Slack buttons numbered, and presses one when its number is typed', async () => {
    // Prepare
    const stateDir = path.join(home, 'buttons');
    const data = path.join(home, 'button-data');
    writeTree(data, { 'a.csv': 'a,b\n' });
    const dev = await startKismo(['dev', '--port', '0', '--state-dir', stateDir], env, /ready/);
    let printed = '';
    dev.child.stdout.on('data', (chunk) => {
      printed += chunk;
    });
    const shown = (pattern: RegExp) =>
      vi.waitFor(() => expect(printed).toMatch(pattern), { timeout: 20_000 });

    // Act
    const push = await runKismo(
      ['push', data, '-t', 'g4dn.xlarge', '--profile', 'local', '--yes', '--json'],
      env,
    );
    await shown(/\[1: Terminate\]/);
    dev.child.stdin.write('1\n');
    await shown(/── the message, updated[\s\S]*@ada pressed Terminate/);
    await shown(/Terminated/);
    const exit = await stopWith(dev.child, 'SIGINT');

    // Assess
    expect(push.code).toBe(0);
    expect(exit).toBe(0);
  });

  it('refuses a name given as both an IAM user and an Identity Center user, before it starts', async () => {
    // Act
    const run = await runKismo(
      ['dev', '--port', '0', '--state-dir', path.join(home, 'twice'), '--user', 'bob', '--sso-user', 'bob'],
      env,
    );

    // Assess
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/^kismo: BAD_USER: bob is given as both --user and --sso-user.*pick one\n$/);
    expect(existsSync(path.join(home, 'twice'))).toBe(false);
  });

  it('refuses a port in use with one line that says what to do', async () => {
    // Prepare
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;

    // Act
    const run = await runKismo(['dev', '--port', String(port), '--state-dir', path.join(home, 'busy')], env);
    blocker.close();

    // Assess
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`PORT_IN_USE: port ${port} is in use.*--port`));
  });

  it('refuses a corrupt state directory with one line that says what to do', async () => {
    // Prepare
    const stateDir = path.join(home, 'corrupt');
    const first = await startKismo(['dev', '--port', '0', '--state-dir', stateDir], env, /ready/);
    await stopWith(first.child, 'SIGINT');
    writeFileSync(path.join(stateDir, 'ec2.json'), '{ this is not json');

    // Act
    const run = await runKismo(['dev', '--port', '0', '--state-dir', stateDir], env);

    // Assess
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/STATE_CORRUPT: .*ec2\.json.*(delete|another)/);
  });

  it('names an unknown profile and how to make one', async () => {
    // Act
    const run = await runKismo(['doctor', '--profile', 'nope'], env);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^kismo: UNKNOWN_PROFILE: there is no profile named "nope".*kismo init/,
    );
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says the local cloud is down when its profile points nowhere', async () => {
    // Prepare: a profile whose endpoint nobody serves.
    const config = path.join(home, 'config-down');
    const dead = net.createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const { port } = dead.address() as AddressInfo;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const profiles = {
      profiles: {
        local: {
          kind: 'local',
          region: 'us-east-1',
          bucket: 'kismo-local',
          endpoint: `http://127.0.0.1:${port}`,
          credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
        },
      },
    };
    const file = path.join(config, 'kismo/config.json');
    await import('node:fs').then((fs) => fs.mkdirSync(path.dirname(file), { recursive: true }));
    writeFileSync(file, JSON.stringify(profiles));

    // Act
    const run = await runKismo(['doctor', '--profile', 'local'], { ...env, XDG_CONFIG_HOME: config });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/UNREACHABLE: cannot reach the local cloud .*kismo dev/);
  });
});
