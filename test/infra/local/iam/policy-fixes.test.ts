// The stack's policies, evaluated as IAM evaluates them: what each earlier form of a statement
// allowed, and what the deployed one allows.
import { describe, expect, it } from 'vitest';
import { documentOf, type Grant, statement } from '../../../../infra/iam/policy';
import { publishGrants } from '../../../../infra/iam/service-grants';
import { userGrants } from '../../../../infra/iam/user-grants';
import { PolicyEvaluator } from '../../../../infra/local/iam/evaluator';
import { Identities } from '../../../../infra/local/iam/identities';

const ACCOUNT = '000000000000';
const BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/kismo`;
const evaluator = new PolicyEvaluator(ACCOUNT);
const identities = new Identities(ACCOUNT);
const KISMO_USER = documentOf(
  userGrants({
    arns: { partition: 'aws', region: 'us-east-1', account: ACCOUNT },
    bucketArn: 'arn:aws:s3:::kismo-local',
    stackId: `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/kismo/x`,
  }),
);

function roleWith(grants: readonly Grant[]) {
  const credentials = identities.addRoleSession('kismo-probe', 'local', [
    { name: 'p', document: documentOf(grants) },
  ]);
  return identities.principalOf(credentials);
}

const publishing = (sources: string[]) => ({
  action: 'events:PutEvents',
  resource: BUS,
  context: { 'events:source': sources, 'events:detail-type': sources.map(() => 'Instance Ready') },
});

describe('PutEvents: events:source is multivalued', () => {
  it('was denied every publish with StringEquals, and allows kismo’s own with ForAllValues and Null', async () => {
    // Prepare
    const before = roleWith([
      {
        statement: statement({
          sid: 'PublishKismoEvents',
          actions: ['events:PutEvents'],
          resources: [BUS],
          conditions: { StringEquals: { 'events:source': 'kismo' } },
        }),
      },
    ]);
    const now = roleWith(publishGrants([{ source: 'kismo' }], BUS));

    // Act
    const decide = async (principal: typeof now, sources: string[]) =>
      (await evaluator.decide({ principal, ...publishing(sources) })).allowed;

    // Assess
    expect(await decide(before, ['kismo'])).toBe(false);
    expect(await decide(now, ['kismo'])).toBe(true);
    expect(await decide(now, ['kismo', 'kismo'])).toBe(true);
    expect(await decide(now, ['kismo', 'aws.ec2'])).toBe(false);
    expect(
      (await evaluator.decide({ principal: now, action: 'events:PutEvents', resource: BUS, context: {} }))
        .allowed,
    ).toBe(false);
  });
});

describe('Session Manager sessions: only one’s own', () => {
  it('let alice end the sessions of alice-ops by name prefix; now only those tagged with her own user id', async () => {
    // Prepare
    const alice = identities.principalOf(
      identities.addUser('alice', [{ name: 'KismoUser', document: KISMO_USER }]),
    );
    const ops = identities.principalOf(
      identities.addUser('alice-ops', [{ name: 'KismoUser', document: KISMO_USER }]),
    );
    const session = (starter: typeof alice, name: string) => ({
      action: 'ssm:TerminateSession',
      resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:session/${name}`,
      context: { 'ssm:resourceTag/aws:ssmmessages:session-id': starter.userId },
    });

    // Act
    const own = await evaluator.decide({ principal: alice, ...session(alice, 'alice-0a1b2c3d4e5f67890') });
    const opsSession = await evaluator.decide({
      principal: alice,
      ...session(ops, 'alice-ops-0a1b2c3d4e5f6789'),
    });

    // Assess
    expect(own.allowed).toBe(true);
    expect(opsSession.allowed).toBe(false);
  });
});

describe('the owner is the administrator’s to name', () => {
  it('denies a KismoUser setting or removing a kismo-owner tag, even with every IAM and STS right besides', async () => {
    // Prepare
    const everything = documentOf([
      { statement: statement({ sid: 'PowerUser', actions: ['iam:*', 'sts:*'], resources: ['*'] }) },
    ]);
    const mallory = identities.principalOf(
      identities.addUser('mallory', [
        { name: 'KismoUser', document: KISMO_USER },
        { name: 'PowerUser', document: everything },
      ]),
    );
    const tagging = (action: string, resource: string, keys: string[]) =>
      evaluator
        .decide({ principal: mallory, action, resource, context: { 'aws:TagKeys': keys } })
        .then((decision) => decision.allowed);
    const self = `arn:aws:iam::${ACCOUNT}:user/mallory`;
    const role = `arn:aws:iam::${ACCOUNT}:role/kismo-probe`;

    // Act
    const decisions = {
      tagSelf: await tagging('iam:TagUser', self, ['kismo-owner']),
      tagSelfOtherCase: await tagging('iam:TagUser', self, ['Kismo-Owner']),
      untagSelf: await tagging('iam:UntagUser', self, ['kismo-owner']),
      tagRole: await tagging('iam:TagRole', role, ['team', 'kismo-owner']),
      untagRole: await tagging('iam:UntagRole', role, ['kismo-owner']),
      tagSession: await tagging('sts:TagSession', role, ['kismo-owner']),
      tagSelfOtherwise: await tagging('iam:TagUser', self, ['team']),
    };

    // Assess
    expect(decisions).toEqual({
      tagSelf: false,
      tagSelfOtherCase: false,
      untagSelf: false,
      tagRole: false,
      untagRole: false,
      tagSession: false,
      tagSelfOtherwise: true,
    });
  });
});
