import * as z from 'zod';
import { MAX_INSTANCE_OWNER_LENGTH } from '../../contracts/instance-roles';
import { ownerSchema } from '../../contracts/kit/correlation';
import { kismoConfigSchema } from '../../services/kit/config';

/** The public SSM parameter of the Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04), x86_64. */
export const DEFAULT_AMI_PARAMETER =
  '/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id';

const IPV4_CIDR =
  /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(3[0-2]|[12]?\d)$/;

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const config = kismoConfigSchema.shape;

/**
 * The `kismo` context of `cdk.json`. Strict, so that a misspelt key is an error rather than a
 * setting silently ignored. What the services read is passed on to them as `KISMO_CONFIG`.
 */
export const kismoContextSchema = z
  .strictObject({
    allowedInstanceTypes: config.allowedInstanceTypes,
    quotaPerOwner: config.quotaPerOwner,
    calendar: config.calendar,
    slack: config.slack,
    /**
     * The owners (`kismo-owner` tag values, of IAM users and Identity Center users alike) who
     * may launch instances: each gets an instance role that reaches their own prefix only. A
     * person whose owner is not listed may push, but their launch is refused.
     */
    owners: z
      .array(
        ownerSchema.max(
          MAX_INSTANCE_OWNER_LENGTH,
          `an owner's instance role is named kismo-owner-<owner>, at most 64 characters`,
        ),
      )
      .default([])
      .refine((owners) => new Set(owners).size === owners.length, { message: 'an owner is listed twice' }),
    bootDeadlineMinutes: config.bootDeadlineMinutes,
    idle: config.idle,
    /** Size of each instance's encrypted gp3 root volume. */
    rootVolumeGiB: z.number().int().min(8).max(16384).default(200),
    /** Days a replaced or deleted object version is kept before it expires. */
    noncurrentVersionDays: z.number().int().positive().default(30),
    /** An IPv4 range allowed to SSH to instances; `null` for none (Session Manager only). */
    sshCidr: z
      .string()
      .regex(IPV4_CIDR, 'an SSH range is an IPv4 CIDR such as 203.0.113.0/24')
      .refine((cidr) => !cidr.endsWith('/0'), {
        message: 'SSH from the whole internet is refused: give your office or VPN range, or null to use SSM',
      })
      .nullable()
      .default(null),
    /** An existing VPC for the instances; `null` creates a small one (public subnets, no NAT gateway). */
    vpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]{8,17}$/, 'a VPC id looks like vpc-0abc1234')
      .nullable()
      .default(null),
    /** Subnets of `vpcId` that instances launch in, tried in order when one has no capacity. */
    subnets: z
      .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet id looks like subnet-0abc1234'))
      .default([]),
    /** The instances' image: an AMI id (`ami-…`) or an SSM parameter name holding one. */
    ami: z
      .string()
      .regex(/^(ami-[0-9a-f]{8,17}|\/[\w./-]+)$/, 'ami is an AMI id (ami-…) or an SSM parameter name (/…)')
      .default(DEFAULT_AMI_PARAMETER),
    /** The AMI's root device: `/dev/sda1` on Ubuntu (the Deep Learning AMI), `/dev/xvda` on Amazon Linux. */
    rootDeviceName: z
      .string()
      .regex(/^\/dev\/[a-z0-9]+$/)
      .default('/dev/sda1'),
    /**
     * The CloudWatch dashboard `kismo` ($3.00 a month beyond the free tier's three): off by
     * default; the saved queries, the alarm and the console's own views need none.
     */
    dashboard: z.boolean().default(false),
    /** Days the functions' and the event log's records are kept. */
    logRetentionDays: z
      .number()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `log retention must be one of ${LOG_RETENTION_DAYS.join(', ')} days`,
      })
      .default(30),
  })
  .superRefine((context, issues) => {
    if (context.vpcId && context.subnets.length === 0) {
      issues.addIssue({
        code: 'custom',
        path: ['subnets'],
        message: `name the subnets of ${context.vpcId} that instances may use`,
      });
    }
    if (!context.vpcId && context.subnets.length > 0) {
      issues.addIssue({
        code: 'custom',
        path: ['vpcId'],
        message: 'subnets are given: name the VPC they belong to',
      });
    }
  });

export type KismoSettings = z.output<typeof kismoContextSchema>;

/** Thrown at synth when `cdk.json` holds a bad setting; says every problem and where. */
export class ContextError extends Error {
  readonly code = 'INVALID_CONTEXT';
  constructor(message: string) {
    super(message);
    this.name = 'ContextError';
  }
}

/**
 * Validates the `kismo` context (an object from `cdk.json`, or a JSON string from `-c kismo=…`).
 * @throws ContextError listing each problem with its path
 */
export function parseSettings(raw: unknown): KismoSettings {
  if (raw === undefined) {
    throw new ContextError('cdk.json has no context "kismo": copy it from the repository\'s cdk.json');
  }
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ContextError('context "kismo" given on the command line is not JSON');
    }
  }
  const parsed = kismoContextSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `  - kismo.${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new ContextError(`cdk.json context "kismo" is invalid:\n${problems.join('\n')}`);
  }
  return parsed.data;
}
