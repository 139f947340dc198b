/**
 * On-demand Linux prices, USD per hour, by region: a dated table for each region kismo has one
 * for. The CLI shows them before a launch and the messages quote them; neither needs the Pricing
 * API (a network call, and an IAM right users do not have). A type not listed has an "unknown"
 * price, and a region without a table says so: never another region's.
 */
export const PRICE_CURRENCY = 'USD';

/** Where a region's table comes from, and when. */
export interface PriceTableSource {
  readonly asOf: string;
  readonly source: string;
}

/** us-east-1: read from AWS's on-demand page. */
export const PRICES_AS_OF = '2025-10-01';
export const PRICES_SOURCE = 'https://aws.amazon.com/ec2/pricing/on-demand/';

/**
 * us-west-2, eu-west-1 and ap-northeast-1: the AWS price list as mirrored by the SkyPilot catalog
 * (github.com/skypilot-org/skypilot-catalog, commit 001367d, catalogs/v7/aws/vms.csv), a snapshot
 * from before AWS's price cut of June 2025. A type is listed only where that snapshot's
 * us-east-1 price equals the table above (so it had not changed by 2025-10-01): P4d and P5 are
 * left out everywhere, and eu-west-1's G6 sizes, which the snapshot does not offer there.
 */
const REGIONAL: PriceTableSource = {
  asOf: 'before 2025-06 (unchanged in us-east-1 through 2025-10-01)',
  source:
    'https://github.com/skypilot-org/skypilot-catalog/blob/001367d22a0033fac286a8c71aeac7109e431bcb/catalogs/v7/aws/vms.csv',
};

const hourly: Readonly<Record<string, number>> = {
  // NVIDIA T4
  'g4dn.xlarge': 0.526,
  'g4dn.2xlarge': 0.752,
  'g4dn.4xlarge': 1.204,
  'g4dn.8xlarge': 2.176,
  'g4dn.12xlarge': 3.912,
  'g4dn.16xlarge': 4.352,
  'g4dn.metal': 7.824,
  // NVIDIA A10G
  'g5.xlarge': 1.006,
  'g5.2xlarge': 1.212,
  'g5.4xlarge': 1.624,
  'g5.8xlarge': 2.448,
  'g5.12xlarge': 5.672,
  'g5.16xlarge': 4.096,
  'g5.24xlarge': 8.144,
  'g5.48xlarge': 16.288,
  // NVIDIA L4
  'g6.xlarge': 0.8048,
  'g6.2xlarge': 0.9776,
  'g6.4xlarge': 1.3232,
  'g6.8xlarge': 2.0144,
  'g6.12xlarge': 4.6016,
  'g6.16xlarge': 3.3968,
  'g6.24xlarge': 6.6752,
  'g6.48xlarge': 13.3504,
  // NVIDIA V100
  'p3.2xlarge': 3.06,
  'p3.8xlarge': 12.24,
  'p3.16xlarge': 24.48,
  'p3dn.24xlarge': 31.212,
  // NVIDIA A100 / H100, after AWS's price cut of June 2025
  'p4d.24xlarge': 21.9576,
  'p5.48xlarge': 55.04,
  // CPU only, for small jobs and tests
  't3.medium': 0.0416,
  't3.large': 0.0832,
  'm5.large': 0.096,
  'm5.xlarge': 0.192,
  'm6i.large': 0.096,
  'm6i.xlarge': 0.192,
  'm7i.large': 0.1008,
  'c5.xlarge': 0.17,
  'c6i.xlarge': 0.17,
  'r5.large': 0.126,
};

// Each row: us-west-2, eu-west-1, ap-northeast-1 (null: not in the snapshot for that region).
const regional: Readonly<Record<string, readonly [number, number | null, number]>> = {
  'g4dn.xlarge': [0.526, 0.587, 0.71],
  'g4dn.2xlarge': [0.752, 0.838, 1.015],
  'g4dn.4xlarge': [1.204, 1.342, 1.625],
  'g4dn.8xlarge': [2.176, 2.426, 2.938],
  'g4dn.12xlarge': [3.912, 4.362, 5.281],
  'g4dn.16xlarge': [4.352, 4.853, 5.875],
  'g4dn.metal': [7.824, 8.724, 10.562],
  'g5.xlarge': [1.006, 1.123, 1.459],
  'g5.2xlarge': [1.212, 1.35296, 1.75776],
  'g5.4xlarge': [1.624, 1.81287, 2.35528],
  'g5.8xlarge': [2.448, 2.73271, 3.55033],
  'g5.12xlarge': [5.672, 6.33167, 8.22609],
  'g5.16xlarge': [4.096, 4.57237, 5.94042],
  'g5.24xlarge': [8.144, 9.09117, 11.81123],
  'g5.48xlarge': [16.288, 18.18233, 23.62246],
  'g6.xlarge': [0.8048, null, 1.1672],
  'g6.2xlarge': [0.9776, null, 1.41781],
  'g6.4xlarge': [1.3232, null, 1.91903],
  'g6.8xlarge': [2.0144, null, 2.92148],
  'g6.12xlarge': [4.6016, null, 6.67369],
  'g6.16xlarge': [3.3968, null, 4.92637],
  'g6.24xlarge': [6.6752, null, 9.68103],
  'g6.48xlarge': [13.3504, null, 19.36206],
  'p3.2xlarge': [3.06, 3.305, 4.194],
  'p3.8xlarge': [12.24, 13.22, 16.776],
  'p3.16xlarge': [24.48, 26.44, 33.552],
  'p3dn.24xlarge': [31.212, 33.711, 42.783],
  't3.medium': [0.0416, 0.0456, 0.0544],
  't3.large': [0.0832, 0.0912, 0.1088],
  'm5.large': [0.096, 0.107, 0.124],
  'm5.xlarge': [0.192, 0.214, 0.248],
  'm6i.large': [0.096, 0.107, 0.124],
  'm6i.xlarge': [0.192, 0.214, 0.248],
  'm7i.large': [0.1008, 0.11235, 0.1302],
  'c5.xlarge': [0.17, 0.192, 0.214],
  'c6i.xlarge': [0.17, 0.1824, 0.214],
  'r5.large': [0.126, 0.141, 0.152],
};

const column = (index: 0 | 1 | 2): Readonly<Record<string, number>> =>
  Object.fromEntries(
    Object.entries(regional).flatMap(([type, prices]) =>
      prices[index] === null ? [] : [[type, prices[index]]],
    ),
  );

/** The tables, by region. */
const HOURLY: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'us-east-1': hourly,
  'us-west-2': column(0),
  'eu-west-1': column(1),
  'ap-northeast-1': column(2),
};

/** Where each region's table comes from. */
export const PRICE_SOURCES: Readonly<Record<string, PriceTableSource>> = {
  'us-east-1': { asOf: PRICES_AS_OF, source: PRICES_SOURCE },
  'us-west-2': REGIONAL,
  'eu-west-1': REGIONAL,
  'ap-northeast-1': REGIONAL,
};

/**
 * gp3 storage, USD per GiB-month, by region: what a stopped instance's volume still costs
 * (https://aws.amazon.com/ebs/pricing/).
 */
const GP3_USD_PER_GIB_MONTH: Readonly<Record<string, number>> = {
  'us-east-1': 0.08,
  'us-west-2': 0.08,
  'eu-west-1': 0.088,
  'ap-northeast-1': 0.096,
};

/** The regions kismo has a dated price table for. */
export const PRICED_REGIONS: readonly string[] = Object.keys(HOURLY);

/** The on-demand hourly price of an instance type in USD in `region`, or `undefined` when no table lists it. */
export function hourlyPrice(instanceType: string, region: string): number | undefined {
  const table = HOURLY[region];
  return table && Object.hasOwn(table, instanceType) ? table[instanceType] : undefined;
}

/**
 * `$3.06/h` (three decimals under a dollar), `unknown` for a type the table lacks, or `price
 * unknown in eu-west-1` for a region without a table — how the CLI and Slack show a type's price.
 */
export function formatHourly(instanceType: string, region: string): string {
  if (!HOURLY[region]) return `price unknown in ${region}`;
  return formatPrice(hourlyPrice(instanceType, region) ?? null);
}

/** A price per hour as kismo shows them: `$3.06/h`, three decimals under a dollar; `unknown` for none. */
export function formatPrice(price: number | null): string {
  return price === null ? 'unknown' : `$${price.toFixed(price < 1 ? 3 : 2)}/h`;
}

/**
 * What a gp3 volume of `gib` costs per month in `region`, in USD (storage only: kismo sets no extra
 * IOPS or throughput); `undefined` for a region without a table.
 */
export function monthlyVolumePrice(gib: number, region: string): number | undefined {
  const perGib = GP3_USD_PER_GIB_MONTH[region];
  return perGib === undefined ? undefined : gib * perGib;
}
