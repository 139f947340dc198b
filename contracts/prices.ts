/**
 * On-demand Linux prices, USD per hour, by region: a dated table for each region kismo has one
 * for (today us-east-1 only). The CLI shows them before a launch and the messages quote them;
 * neither needs the Pricing API (a network call, and an IAM right users do not have). A type not
 * listed has an "unknown" price, and a region without a table says so: never another region's.
 */
export const PRICES_AS_OF = '2025-10-01';
export const PRICES_SOURCE = 'https://aws.amazon.com/ec2/pricing/on-demand/';
export const PRICE_CURRENCY = 'USD';

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

/** The tables, by region. */
const HOURLY: Readonly<Record<string, Readonly<Record<string, number>>>> = { 'us-east-1': hourly };

/** gp3 storage, USD per GiB-month, by region: what a stopped instance's volume still costs. */
const GP3_USD_PER_GIB_MONTH: Readonly<Record<string, number>> = { 'us-east-1': 0.08 };

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
