import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { build, emptyServicesRoot } from './support';

interface Finding {
  readonly id: string;
  readonly path: string;
}

function findings(app: App): Finding[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath ?? '' })),
  );
}

/** Every acknowledgement recorded in the tree: where, which rule, and why. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('cdk-nag AWS Solutions checks', () => {
  it.each([
    ['with the fixture services', {}],
    ['with no service yet', { servicesRoot: emptyServicesRoot() }],
    [
      'with SSH and an existing VPC',
      { context: { sshCidr: '198.51.100.0/24', vpcId: 'vpc-0abc1234', subnets: ['subnet-0aaa1111'] } },
    ],
  ])('report no unacknowledged finding %s', async (_case, options) => {
    // Act
    const { app } = await build(options);

    // Assess
    expect(findings(app)).toEqual([]);
  });

  it('acknowledge each finding with its reason, and nothing that is not a finding', async () => {
    // Prepare: the same app once with acknowledgements dropped, to see the raw findings.
    const made: { path: string; id: string }[] = [];
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (this: Validations, ...rules) {
      const scope = (this as unknown as { scope: IConstruct }).scope;
      // The CDK acknowledges some of its own checks (CloudFormation-Validate::…): only cdk-nag's count here.
      for (const rule of rules)
        if (rule.id.startsWith('AwsSolutions-')) made.push({ path: scope.node.path, id: rule.id });
    });
    // With an owner, so their instance role's findings are among those checked.
    const { app: raw } = await build({ context: { owners: ['alice'] } });
    const rawFindings = findings(raw);
    vi.restoreAllMocks();

    // Act
    const { stack } = await build({ context: { owners: ['alice'] } });
    const recorded = acknowledgements(stack).filter((a) => a.id.startsWith('AwsSolutions-'));

    // Assess
    expect(recorded.length).toBe(made.length);
    for (const { id, reason } of recorded) {
      expect(reason.length, id).toBeGreaterThan(40);
    }
    const covers = (ack: { path: string; id: string }, finding: Finding) =>
      ack.id === finding.id && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`));
    const stale = made.filter((ack) => !rawFindings.some((finding) => covers(ack, finding)));
    const unanswered = rawFindings.filter((finding) => !made.some((ack) => covers(ack, finding)));
    expect(stale).toEqual([]);
    expect(unanswered).toEqual([]);
    expect(new Set(made.map((a) => a.id.replace(/\[.*$/, '')))).toEqual(
      new Set([
        'AwsSolutions-IAM4',
        'AwsSolutions-IAM5',
        'AwsSolutions-L1',
        'AwsSolutions-S1',
        'AwsSolutions-VPC7',
      ]),
    );
  });
});
