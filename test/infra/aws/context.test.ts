import { describe, expect, it } from 'vitest';
import { ContextError, DEFAULT_AMI_PARAMETER, parseSettings } from '../../../infra/aws/context';
import { shippedContext } from './support';

function problemsOf(raw: unknown): string {
  try {
    parseSettings(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ContextError);
    return (error as Error).message;
  }
  throw new Error('expected the settings to be refused');
}

describe('parseSettings', () => {
  it('accepts the shipped cdk.json and fills what it leaves out', () => {
    // Prepare
    const raw = shippedContext();

    // Act
    const settings = parseSettings(raw);

    // Assess
    expect(settings).toMatchObject({
      allowedInstanceTypes: ['g4dn.xlarge', 'g5.xlarge', 'g5.2xlarge', 'p3.2xlarge'],
      quotaPerOwner: 2,
      rootVolumeGiB: 200,
      noncurrentVersionDays: 30,
      sshCidr: null,
      vpcId: null,
      subnets: [],
      ami: DEFAULT_AMI_PARAMETER,
      rootDeviceName: '/dev/sda1',
      logRetentionDays: 30,
      bootDeadlineMinutes: 30,
    });
    expect(settings.calendar.timeZone).toBe('Asia/Tokyo');
  });

  it('reads the context given as JSON on the command line', () => {
    // Prepare
    const raw = JSON.stringify({ ...shippedContext(), quotaPerOwner: 3 });

    // Act
    const settings = parseSettings(raw);

    // Assess
    expect(settings.quotaPerOwner).toBe(3);
  });

  it('lists every problem with its path in one message', () => {
    // Prepare
    const raw = {
      ...shippedContext(),
      allowedInstanceTypes: ['p3.2xlarge', 'GPU please'],
      quotaPerOwner: 0,
      calendar: { start: '9am' },
    };

    // Act
    const message = problemsOf(raw);

    // Assess
    expect(message).toContain('cdk.json context "kismo" is invalid:');
    expect(message).toContain('kismo.allowedInstanceTypes.1: an instance type looks like p3.2xlarge');
    expect(message).toContain('kismo.quotaPerOwner:');
    expect(message).toContain('kismo.calendar.start: a time of day is HH:MM (24 h)');
  });

  it('refuses a misspelt key instead of ignoring it', () => {
    // Act
    const message = problemsOf({ ...shippedContext(), quotaPerOwnr: 4 });

    // Assess
    expect(message).toMatch(/quotaPerOwnr/);
  });

  it('refuses SSH open to the whole internet', () => {
    // Act
    const message = problemsOf({ ...shippedContext(), sshCidr: '0.0.0.0/0' });

    // Assess
    expect(message).toContain('kismo.sshCidr: SSH from the whole internet is refused');
  });

  it('needs the subnets of a given VPC, and the VPC of given subnets', () => {
    // Act
    const noSubnets = problemsOf({ ...shippedContext(), vpcId: 'vpc-0abc1234' });
    const noVpc = problemsOf({ ...shippedContext(), subnets: ['subnet-0abc1234'] });

    // Assess
    expect(noSubnets).toContain('kismo.subnets: name the subnets of vpc-0abc1234 that instances may use');
    expect(noVpc).toContain('kismo.vpcId: subnets are given: name the VPC they belong to');
  });

  it('says what to do when cdk.json has no kismo context at all', () => {
    // Act
    const message = problemsOf(undefined);

    // Assess
    expect(message).toBe('cdk.json has no context "kismo": copy it from the repository\'s cdk.json');
  });

  it('refuses an idle threshold of zero or below: the activity reporter divides by it', () => {
    // Act
    const message = problemsOf({
      ...shippedContext(),
      idle: { thresholds: { gpu: 0, memory: -10, cpu: 5, sessions: 1 } },
    });

    // Assess
    expect(message).toContain('kismo.idle.thresholds.gpu: an idle threshold is a number above 0');
    expect(message).toContain('kismo.idle.thresholds.memory: an idle threshold is a number above 0');
    expect(message).not.toContain('thresholds.cpu');
  });

  it('takes only the log retentions CloudWatch Logs offers', () => {
    // Act
    const message = problemsOf({ ...shippedContext(), logRetentionDays: 10 });

    // Assess
    expect(message).toContain('kismo.logRetentionDays: log retention must be one of 1, 3, 5, 7, 14, 30');
  });
});
