import path from 'node:path';
import { formatPrice } from '../../contracts/prices';
import type { SessionState, SessionStatus } from '../../contracts/session-status';
import type { Profile } from '../config/profiles';

/** States in which the instance runs (and costs by the hour). */
const RUNNING: readonly SessionState[] = ['launching', 'ready', 'finished'];

/**
 * The price per hour as kismo shows prices: what the journal recorded at launch.
 * A stopped instance costs only its volume; a terminated one, nothing.
 */
export function priceOf(status: SessionStatus): string {
  if (status.state === 'terminated') return '-';
  if (status.state === 'stopped') return 'volume only';
  // Recorded at launch, in the deployment's region: `null` where kismo has no price for it there.
  return formatPrice(status.hourlyPrice ?? null);
}

/** Since when the instance has been running: its launch, or its latest restart. */
export function runningSince(status: SessionStatus): Date | undefined {
  if (!RUNNING.includes(status.state)) return undefined;
  const restarts = status.timeline
    .filter((e) => e.detailType === 'Instance Restarted' || e.detailType === 'EC2 Instance Running')
    .map((e) => e.at);
  const times = [status.launchedAt, ...restarts].filter((t): t is string => t !== undefined).map(Date.parse);
  return times.length > 0 ? new Date(Math.max(...times)) : undefined;
}

/** Seconds the instance has been up, or `undefined` when it is not running. */
export function uptimeSeconds(status: SessionStatus, now: Date): number | undefined {
  const since = runningSince(status);
  return since && Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));
}

/** `3 d 4 h`, `2 h 05 min`, `7 min`. */
export function formatUptime(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/**
 * The status as `kismo status` shows it, adding what only the CLI knows: on a local profile, the
 * simulated instance's folder (in the local cloud's state directory) when the journal has none.
 */
export function withSandbox(status: SessionStatus, profile: Profile): SessionStatus {
  if (profile.kind !== 'local' || status.sandbox || !status.instanceId || !profile.stateDir) return status;
  return { ...status, sandbox: path.join(profile.stateDir, 'instances', status.instanceId) };
}

/** `4.0 KiB`, `1.2 GiB`: sizes as people read them. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

const time = (iso: string): string => iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');

/** The lines of `kismo status`: the state first, then what is known, then the latest of the timeline. */
export function statusLines(status: SessionStatus, now: Date, profile: Profile): string[] {
  const row = (label: string, value: string | undefined) =>
    value === undefined ? [] : [`  ${label.padEnd(9)} ${value}`];
  const instance = status.instanceId
    ? [status.instanceId, status.instanceType, priceOf(status)].filter(Boolean).join(' · ')
    : undefined;
  const up = uptimeSeconds(status, now);
  const dataset = status.dataset
    ? `${status.dataset.prefix} (${status.dataset.files} files, ${formatBytes(status.dataset.bytes)})`
    : undefined;
  return [
    `${status.sessionId}  ${status.state}`,
    ...row('instance', instance),
    ...row('address', status.address),
    ...row('connect', status.connect),
    ...row('sandbox', profile.kind === 'local' ? status.sandbox : undefined),
    ...row('reason', status.reason),
    ...row('exit code', status.exitCode?.toString()),
    ...row('up', up === undefined ? undefined : formatUptime(up)),
    ...row(
      'cost',
      status.costSoFar === undefined ? undefined : `$${status.costSoFar.toFixed(2)} so far (estimate)`,
    ),
    ...row('idle', status.idleStrikes ? `${status.idleStrikes} strike(s)` : undefined),
    ...row('dataset', dataset),
    ...row('updated', time(status.updatedAt)),
    ...(status.timeline.length > 0 ? ['  timeline'] : []),
    ...status.timeline.slice(-8).map((e) => `    ${time(e.at)}  ${e.summary}`),
  ];
}
