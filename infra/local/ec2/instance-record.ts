// What the simulated EC2 knows about one instance: more than the `Instance` the port shows (user
// data, client token, console log), and all of it plain JSON so it can be saved as is.
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { instanceStates } from '../../../contracts/aws/ec2-state-change';
import type { Instance, InstanceFilter, LaunchSpec } from '../../../services/kit/ports';
import { Ec2Error } from './ec2-error';
import type { SimulatedSubnet } from './simulated-ec2-options';

export const instanceRecordSchema = z.object({
  instanceId: z.string(),
  instanceType: z.string(),
  state: z.enum(instanceStates),
  availabilityZone: z.string(),
  subnetId: z.string(),
  privateIp: z.string(),
  launchedAt: z.string(),
  tags: z.record(z.string(), z.string()),
  clientToken: z.string(),
  /** The launch parameters, normalised, to tell a retry from a different launch with the same token. */
  launchFingerprint: z.string(),
  userData: z.string(),
  shutdownBehavior: z.enum(['stop', 'terminate']),
  consoleLog: z.string(),
  /** User data runs once per instance, as cloud-init runs it: on the first boot only. */
  userDataRan: z.boolean(),
  /** The instance profile it runs with (its owner's role), if any. */
  instanceProfile: z.string().optional(),
});

export type InstanceRecord = z.infer<typeof instanceRecordSchema>;

/** The newest part of the console log GetConsoleOutput returns: EC2 keeps the last 64 KiB. */
const CONSOLE_LIMIT = 64 * 1024;

/** A fresh id shaped like EC2's: `i-0` and 16 hex digits. */
export function newInstanceId(): string {
  return `i-0${randomBytes(8).toString('hex')}`;
}

/** The n-th private address in the simulated VPC (10.0.0.0/16, skipping the reserved first hosts). */
export function privateIpFor(n: number): string {
  return `10.0.${Math.floor(n / 250) % 256}.${(n % 250) + 4}`;
}

/** The parameters EC2 compares when a client token is reused. */
export function launchFingerprint(spec: LaunchSpec): string {
  const tags = Object.fromEntries(Object.entries(spec.tags).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify([
    spec.instanceType,
    spec.subnetId ?? null,
    spec.userData,
    tags,
    spec.shutdownBehavior ?? 'stop',
    spec.instanceProfile ?? null,
  ]);
}

/** A new instance, `pending`, the `count`-th the simulation launches. */
export function newInstanceRecord(
  spec: LaunchSpec,
  subnet: SimulatedSubnet,
  count: number,
  launchedAt: Date,
): InstanceRecord {
  return {
    instanceId: newInstanceId(),
    instanceType: spec.instanceType,
    state: 'pending',
    availabilityZone: subnet.availabilityZone,
    subnetId: subnet.subnetId,
    privateIp: privateIpFor(count),
    launchedAt: launchedAt.toISOString(),
    tags: { ...spec.tags },
    clientToken: spec.clientToken,
    launchFingerprint: launchFingerprint(spec),
    userData: spec.userData,
    shutdownBehavior: spec.shutdownBehavior ?? 'stop',
    consoleLog: '',
    userDataRan: false,
    ...(spec.instanceProfile ? { instanceProfile: spec.instanceProfile } : {}),
  };
}

/** A launch with a client token already used must repeat that launch exactly, as EC2 requires. */
export function assertSameLaunch(earlier: InstanceRecord, spec: LaunchSpec): void {
  if (earlier.launchFingerprint === launchFingerprint(spec)) return;
  throw new Ec2Error(
    'IdempotentParameterMismatch',
    `The client token '${spec.clientToken}' was already used for ${earlier.instanceId} with other parameters.`,
  );
}

/** The instance as the `Compute` port shows it: a copy, so callers cannot change the record. */
export function toInstance(record: InstanceRecord): Instance {
  // There is no real network: a started instance is reachable on this machine, as long as it runs.
  const reachable = record.state === 'pending' || record.state === 'running' || record.state === 'stopping';
  return {
    instanceId: record.instanceId,
    instanceType: record.instanceType,
    state: record.state,
    availabilityZone: record.availabilityZone,
    subnetId: record.subnetId,
    privateIp: record.privateIp,
    ...(reachable ? { publicIp: '127.0.0.1' } : {}),
    launchedAt: record.launchedAt,
    tags: { ...record.tags },
  };
}

/** Whether the record passes every part of the filter (tags by exact value, as EC2's `tag:` filters). */
export function matchesFilter(record: InstanceRecord, filter: InstanceFilter): boolean {
  if (filter.instanceIds && !filter.instanceIds.includes(record.instanceId)) return false;
  if (filter.states && !filter.states.includes(record.state)) return false;
  return Object.entries(filter.tags ?? {}).every(([key, value]) => record.tags[key] === value);
}

/** Appends text to the console log, keeping only the newest 64 KiB. */
export function appendToConsole(record: InstanceRecord, text: string): void {
  const line = text.endsWith('\n') ? text : `${text}\n`;
  const log = record.consoleLog + line;
  record.consoleLog = log.length > CONSOLE_LIMIT ? log.slice(log.length - CONSOLE_LIMIT) : log;
}
