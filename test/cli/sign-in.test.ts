import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../../infra/local/iam/principal';
import { runKismo } from '../support/cli-process';
import { startTestCloud, type TestCloud } from '../support/local-cloud';
import { listKeys, writeTree } from '../support/push-fixtures';

/**
 * The CLI's AWS path, signed in as people sign in to AWS: an IAM user's keys, and an Identity
 * Center user's SSO profile (`aws sso login` left a token; the SDK trades it for the permission
 * set's role credentials). The SDK's own chain reaches the local cloud through AWS_ENDPOINT_URL,
 * and the local cloud answers STS, IAM, CloudFormation and the SSO portal as AWS does.
 */
describe('signing in to kismo on AWS: IAM users and Identity Center users', () => {
  let test: TestCloud;
  let home: string;
  let people: Record<'ana' | 'dave' | 'carol' | 'erin', Credentials>;

  beforeAll(async () => {
    test = await startTestCloud({ services: [], users: [] });
    people = {
      ana: test.cloud.addUser('ana'),
      dave: test.cloud.addUser('dave', { owner: null }),
      carol: test.cloud.addUser('carol', { signIn: 'identity-center' }),
      erin: test.cloud.addUser('erin', { signIn: 'identity-center', owner: null }),
    };
    home = mkdtempSync(path.join(os.tmpdir(), 'kismo-sign-in-'));
  }, 60_000);
  afterAll(async () => {
    await test.stop();
    rmSync(home, { recursive: true, force: true });
  });

  /** A machine of its own for each person: its HOME, its AWS configuration, its kismo configuration. */
  function machine(name: string): { dir: string; env: NodeJS.ProcessEnv } {
    const dir = path.join(home, name);
    mkdirSync(path.join(dir, '.aws'), { recursive: true });
    return {
      dir,
      env: {
        HOME: dir,
        XDG_CONFIG_HOME: path.join(dir, '.config'),
        XDG_STATE_HOME: path.join(dir, '.state'),
        AWS_CONFIG_FILE: path.join(dir, '.aws', 'config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, '.aws', 'credentials'),
        AWS_ENDPOINT_URL: test.cloud.endpoint,
        KISMO_PROFILE: '',
        KISMO_OWNER: '',
        CI: '1',
      },
    };
  }

  /** An SSO profile `team`, and the token `aws sso login --profile team` caches for it. */
  function ssoSignIn(dir: string, person: Credentials, expiresInMs: number): void {
    writeFileSync(
      path.join(dir, '.aws', 'config'),
      [
        '[profile team]',
        'sso_session = corp',
        'sso_account_id = 000000000000',
        'sso_role_name = KismoUser',
        `region = ${test.cloud.region}`,
        '',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        `sso_region = ${test.cloud.region}`,
        'sso_registration_scopes = sso:account:access',
        '',
      ].join('\n'),
    );
    const cache = path.join(dir, '.aws', 'sso', 'cache');
    mkdirSync(cache, { recursive: true });
    writeFileSync(
      path.join(cache, `${createHash('sha1').update('corp').digest('hex')}.json`),
      JSON.stringify({
        startUrl: 'https://corp.awsapps.com/start',
        region: test.cloud.region,
        accessToken: test.cloud.iam?.portalToken(person),
        expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
      }),
    );
  }

  const keysOf = (person: Credentials) => ({
    AWS_ACCESS_KEY_ID: person.accessKeyId,
    AWS_SECRET_ACCESS_KEY: person.secretAccessKey,
    AWS_REGION: test.cloud.region,
  });

  it('lets an IAM user in as the owner their tag names: init, doctor, push', async () => {
    // Prepare
    const { dir, env } = machine('ana');
    const as = { ...env, ...keysOf(people.ana) };
    writeTree(path.join(dir, 'data'), { 'a.csv': 'a,b\n' });

    // Act
    const init = await runKismo(['init', '--json'], as);
    const doctor = await runKismo(['doctor', '--profile', 'aws', '--json'], as);
    const push = await runKismo(
      [
        'push',
        path.join(dir, 'data'),
        '-t',
        'g4dn.xlarge',
        '--profile',
        'aws',
        '--yes',
        '--no-wait',
        '--json',
      ],
      as,
    );

    // Assess
    expect(init.stderr).toBe('');
    expect(JSON.parse(init.stdout)).toMatchObject({
      profile: 'aws',
      owner: 'ana',
      principal: 'arn:aws:iam::000000000000:user/ana',
      signIn: 'iam-user',
    });
    expect(JSON.parse(doctor.stdout)).toMatchObject({ owner: 'ana', signIn: 'iam-user', reachable: true });
    expect(push.code).toBe(0);
    expect(await listKeys(test.cloud, 'users/ana/datasets/data/')).toEqual(['users/ana/datasets/data/a.csv']);
  });

  it('lets an Identity Center user in through their SSO profile, as the owner Identity Center maps', async () => {
    // Prepare
    const { dir, env } = machine('carol');
    ssoSignIn(dir, people.carol, 3_600_000);
    writeTree(path.join(dir, 'data'), { 'b.csv': 'c,d\n' });

    // Act
    const init = await runKismo(['init', '--aws-profile', 'team', '--json'], env);
    const doctor = await runKismo(['doctor', '--profile', 'aws', '--json'], env);
    const push = await runKismo(
      [
        'push',
        path.join(dir, 'data'),
        '-t',
        'g4dn.xlarge',
        '--profile',
        'aws',
        '--yes',
        '--no-wait',
        '--json',
      ],
      env,
    );

    // Assess
    expect(init.stderr).toBe('');
    const profile = JSON.parse(readFileSync(path.join(dir, '.config', 'kismo', 'config.json'), 'utf8'))
      .profiles.aws;
    expect(profile).toMatchObject({ awsProfile: 'team', owner: 'carol' });
    expect(profile.principal).toMatch(
      /^arn:aws:sts::000000000000:assumed-role\/AWSReservedSSO_KismoUser_[0-9a-f]{16}\/carol$/,
    );
    expect(JSON.parse(doctor.stdout)).toMatchObject({
      owner: 'carol',
      signIn: 'identity-center',
      reachable: true,
    });
    expect(push.code).toBe(0);
    expect(await listKeys(test.cloud, 'users/carol/datasets/data/')).toEqual([
      'users/carol/datasets/data/b.csv',
    ]);
  });

  it('tells someone whose SSO sign-in expired to sign in again, with no stack trace', async () => {
    // Prepare
    const { dir, env } = machine('carol-later');
    ssoSignIn(dir, people.carol, -60_000);

    // Act
    const init = await runKismo(['init', '--aws-profile', 'team'], env);

    // Assess
    expect(init.code).toBe(1);
    expect(init.stderr).toMatch(
      /^kismo: SSO_SIGN_IN: .*run `aws sso login --profile team`, then try again\n$/,
    );
  });

  it('tells people IAM gives no owner who can fix it, and how, for either kind of identity', async () => {
    // Prepare
    const dave = machine('dave');
    const erin = machine('erin');
    ssoSignIn(erin.dir, people.erin, 3_600_000);

    // Act
    const untaggedUser = await runKismo(['init'], { ...dave.env, ...keysOf(people.dave) });
    const unmappedSession = await runKismo(['init', '--aws-profile', 'team'], erin.env);

    // Assess
    expect(untaggedUser.code).toBe(1);
    expect(untaggedUser.stderr).toMatch(
      /^kismo: NO_OWNER: your IAM user dave has no kismo-owner tag.*aws iam tag-user --user-name dave --tags Key=kismo-owner,Value=dave/,
    );
    expect(unmappedSession.code).toBe(1);
    expect(unmappedSession.stderr).toMatch(
      /^kismo: NO_OWNER: IAM gives arn:aws:sts::000000000000:assumed-role\/AWSReservedSSO_KismoUser_\w+\/erin no folder users\/erin\/.*attributes for access control/,
    );
  });
});
