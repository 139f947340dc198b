/**
 * List prices of what kismo's control plane uses, USD, by region: a dated table per region kismo
 * has sources for. A region without one is refused by name, never priced with another region's.
 */
export interface ControlPlanePrices {
  /** When the prices were read from the sources. */
  readonly asOf: string;
  readonly sources: readonly string[];
  readonly lambdaPerMillionRequests: number;
  /** Arm (Graviton), first tier. */
  readonly lambdaPerGbSecondArm: number;
  /** Standard queues, after the first million. */
  readonly sqsPerMillionRequests: number;
  readonly eventBridgePerMillionEvents: number;
  readonly eventBridgeArchivePerGbProcessed: number;
  readonly schedulerPerMillionInvocations: number;
  readonly s3PerThousandPuts: number;
  readonly s3PerThousandGets: number;
  readonly s3PerGbMonth: number;
  readonly cloudWatchPerAlarmMetric: number;
  readonly cloudWatchPerDashboard: number;
  readonly cloudWatchPerCustomMetric: number;
  readonly logsPerGbIngested: number;
  readonly logsPerGbMonthStored: number;
  readonly logsInsightsPerGbScanned: number;
  readonly secretsManagerPerSecret: number;
  /** Standard parameters and standard throughput: no charge. */
  readonly ssmStandardParameter: number;
  readonly kmsPerKey: number;
}

/** AWS's always-free tier of the three services the bill leans on: Lambda, SQS, CloudWatch. */
export const ALWAYS_FREE = {
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  sqsRequests: 1_000_000,
  cloudWatchAlarmMetrics: 10,
  cloudWatchDashboards: 3,
  cloudWatchCustomMetrics: 10,
  /** Logs: ingestion, archive storage and Logs Insights scanning together. */
  logsGb: 5,
} as const;

const US_EAST_1: ControlPlanePrices = {
  asOf: '2026-03',
  sources: [
    'https://aws.amazon.com/lambda/pricing/',
    'https://aws.amazon.com/sqs/pricing/',
    'https://aws.amazon.com/eventbridge/pricing/',
    'https://aws.amazon.com/s3/pricing/',
    'https://aws.amazon.com/cloudwatch/pricing/',
    'https://aws.amazon.com/secrets-manager/pricing/',
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html',
    'https://aws.amazon.com/kms/pricing/',
  ],
  lambdaPerMillionRequests: 0.2,
  lambdaPerGbSecondArm: 0.0000133334,
  sqsPerMillionRequests: 0.4,
  eventBridgePerMillionEvents: 1,
  eventBridgeArchivePerGbProcessed: 0.1,
  schedulerPerMillionInvocations: 1,
  s3PerThousandPuts: 0.005,
  s3PerThousandGets: 0.0004,
  s3PerGbMonth: 0.023,
  cloudWatchPerAlarmMetric: 0.1,
  cloudWatchPerDashboard: 3,
  cloudWatchPerCustomMetric: 0.3,
  logsPerGbIngested: 0.5,
  logsPerGbMonthStored: 0.03,
  logsInsightsPerGbScanned: 0.005,
  secretsManagerPerSecret: 0.4,
  ssmStandardParameter: 0,
  kmsPerKey: 1,
};

const TABLES: Readonly<Record<string, ControlPlanePrices>> = { 'us-east-1': US_EAST_1 };

/** The regions with a dated table. */
export const COSTED_REGIONS: readonly string[] = Object.keys(TABLES);

/** The region's table; throws, naming the regions that have one, for any other. */
export function controlPlanePrices(region: string): ControlPlanePrices {
  const table = TABLES[region];
  if (!table) {
    throw new Error(
      `no dated price table for ${region}: kismo prices the control plane in ${COSTED_REGIONS.join(', ')} (infra/cost/prices.ts); add ${region}'s list prices there, with their sources`,
    );
  }
  return table;
}
