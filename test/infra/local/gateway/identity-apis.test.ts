// The local cloud's answers to "who am I, and where is kismo": STS, IAM, CloudFormation and
// Identity Center's portal, asked as the CLI asks them, and refused as AWS refuses.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { IAMClient, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../../../../infra/local/iam/principal';
import { startTestCloud, type TestCloud } from '../../../support/local-cloud';
import { outcome } from '../../../support/outcome';

describe('the local cloud’s identity APIs', () => {
  let test: TestCloud;
  let people: Record<'ana' | 'dave' | 'carol', Credentials>;
  const clients = (credentials: Credentials) => {
    const config = { endpoint: test.cloud.endpoint, region: test.cloud.region, credentials };
    return {
      sts: new STSClient(config),
      iam: new IAMClient(config),
      cloudFormation: new CloudFormationClient(config),
    };
  };

  beforeAll(async () => {
    test = await startTestCloud({ users: [] });
    people = {
      ana: test.cloud.addUser('ana'),
      dave: test.cloud.addUser('dave', { owner: null }),
      carol: test.cloud.addUser('carol', { signIn: 'identity-center' }),
    };
  });
  afterAll(async () => test.stop());

  it('tells each caller who they are: an IAM user, or an Identity Center session', async () => {
    // Act
    const [ana, carol] = await Promise.all(
      [people.ana, people.carol].map((who) => clients(who).sts.send(new GetCallerIdentityCommand({}))),
    );

    // Assess
    expect(ana).toMatchObject({ Arn: 'arn:aws:iam::000000000000:user/ana', Account: '000000000000' });
    expect(carol?.Arn).toMatch(
      /^arn:aws:sts::000000000000:assumed-role\/AWSReservedSSO_KismoUser_[0-9a-f]{16}\/carol$/,
    );
    expect(carol?.UserId).toMatch(/^AROA\w+:carol$/);
  });

  it('lets an IAM user read their own tags only', async () => {
    // Act
    const own = await clients(people.ana).iam.send(new ListUserTagsCommand({ UserName: 'ana' }));
    const untagged = await clients(people.dave).iam.send(new ListUserTagsCommand({ UserName: 'dave' }));
    const others = await outcome(() =>
      clients(people.ana).iam.send(new ListUserTagsCommand({ UserName: 'dave' })),
    );
    const fromASession = await outcome(() =>
      clients(people.carol).iam.send(new ListUserTagsCommand({ UserName: 'ana' })),
    );

    // Assess
    expect(own.Tags).toEqual([{ Key: 'kismo-owner', Value: 'ana' }]);
    expect(untagged.Tags).toEqual([]);
    // IAM's Query API says AccessDenied (the JSON APIs say AccessDeniedException).
    expect([others, fromASession]).toEqual(['AccessDenied', 'AccessDenied']);
  });

  it('shows the kismo stack’s outputs to a person, and no other stack', async () => {
    // Act
    const kismo = await clients(people.carol).cloudFormation.send(
      new DescribeStacksCommand({ StackName: 'kismo' }),
    );
    const other = await outcome(() =>
      clients(people.carol).cloudFormation.send(new DescribeStacksCommand({ StackName: 'payroll' })),
    );
    const all = await outcome(() => clients(people.carol).cloudFormation.send(new DescribeStacksCommand({})));

    // Assess
    const outputs = Object.fromEntries(
      (kismo.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]),
    );
    expect(outputs).toMatchObject({ BucketName: test.cloud.bucket, Region: test.cloud.region });
    expect([other, all]).toEqual(['AccessDenied', 'AccessDenied']);
  });

  it('refuses keys it never issued and a wrong secret, as STS does', async () => {
    // Act
    const unknown = await outcome(() =>
      clients({ accessKeyId: 'AKIANOTISSUED0000000', secretAccessKey: 'x' }).sts.send(
        new GetCallerIdentityCommand({}),
      ),
    );
    const forged = await outcome(() =>
      clients({ ...people.carol, secretAccessKey: 'guessed' }).sts.send(new GetCallerIdentityCommand({})),
    );

    // Assess
    expect([unknown, forged]).toEqual(['InvalidClientTokenId', 'SignatureDoesNotMatch']);
  });

  it('gives role credentials for a token it issued, for the KismoUser permission set only', async () => {
    // Prepare
    const token = test.cloud.iam?.portalToken(people.carol) ?? '';
    const portal = (accessToken: string, role = 'KismoUser') =>
      fetch(`${test.cloud.endpoint}/federation/credentials?account_id=000000000000&role_name=${role}`, {
        headers: { 'x-amz-sso_bearer_token': accessToken },
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { roleCredentials?: unknown } }));

    // Act
    const given = await portal(token);
    const otherRole = await portal(token, 'AdministratorAccess');
    const forged = await portal('aoaNOTISSUED');

    // Assess
    expect(given.status).toBe(200);
    expect(given.body.roleCredentials).toMatchObject({
      accessKeyId: people.carol.accessKeyId,
      sessionToken: people.carol.sessionToken,
    });
    expect([otherRole.status, forged.status]).toEqual([403, 401]);
  });
});

describe('the identity APIs with IAM off', () => {
  it('say they answer only with IAM on, rather than pretend', async () => {
    // Prepare
    const test = await startTestCloud({ iam: false, users: [] });
    const sts = new STSClient({
      endpoint: test.cloud.endpoint,
      region: test.cloud.region,
      credentials: { accessKeyId: 'AKIAANY', secretAccessKey: 'any' },
    });

    // Act
    const answer = await outcome(() => sts.send(new GetCallerIdentityCommand({})));
    sts.destroy();
    await test.stop();

    // Assess
    expect(answer).toBe('NotImplemented');
  });
});
