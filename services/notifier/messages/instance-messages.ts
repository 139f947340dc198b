import type {
  instanceIdle,
  instanceRestarted,
  instanceStopped,
  instanceTerminated,
} from '../../../contracts/catalog';
import type { DetailOf } from '../../../contracts/kit/contract';
import { header, ids, type Message, section, usdPerHour } from '../blocks';
import type { People } from './people';

type Keys = { sessionId?: string; instanceId: string };

/** How to refer to the session in a command: its id when known (the CLI takes session ids). */
const handle = (d: Keys): string => d.sessionId ?? d.instanceId;

/** Instance Idle: in business hours the owner is asked; outside them it is a strike towards a stop. */
export interface IdleSettings {
  /** The window the readings cover. */
  readonly windowMinutes: number;
  /** When business hours end (`19:00`): the natural time to keep an instance until. */
  readonly dayEnds: string;
  /** When business hours begin (`09:00`): what to keep an instance until overnight. */
  readonly dayStarts: string;
}

export function idleMessage(
  d: DetailOf<typeof instanceIdle>,
  people: People,
  settings: IdleSettings,
): Message {
  const peak = `its busiest signal peaked at ${d.readings.activity}% of its idle threshold`;
  if (d.action === 'mention') {
    const line = `${people.ping} your instance has been idle for ${settings.windowMinutes} minutes — ${peak}. Stop it with \`kismo stop ${handle(d)}\`, or keep it with \`kismo keep ${handle(d)} --until ${settings.dayEnds}\`.`;
    return { text: line, blocks: [header('💤 Idle'), section(line), ids(d)] };
  }
  const line = `${people.name}'s instance is idle outside business hours — ${peak} — strike ${d.strike}: it stops at the next idle reading unless it is used or kept (\`kismo keep ${handle(d)} --until ${settings.dayStarts}\`).`;
  return { text: line, blocks: [header('💤 Idle — will stop'), section(line), ids(d)] };
}

const stopWhy: Record<DetailOf<typeof instanceStopped>['reason'], string> = {
  idle: 'it was idle outside business hours; it starts again when business hours begin',
  user: 'you asked',
  'work-finished': 'its work finished',
};

export function stoppedMessage(d: DetailOf<typeof instanceStopped>, people: People): Message {
  const saves =
    d.hourlyPrice === null ? '' : ` It no longer costs ${usdPerHour(d.hourlyPrice)}; its volume still does.`;
  const line = `${people.name}'s instance is stopped: ${stopWhy[d.reason]}.${saves} \`kismo start ${handle(d)}\` starts it.`;
  return { text: line, blocks: [header('⏸️ Stopped'), section(line), ids(d)] };
}

const restartWhy: Record<DetailOf<typeof instanceRestarted>['reason'], string> = {
  'business-hours': 'business hours began (kismo had stopped it for idleness)',
  user: 'you asked',
};

export function restartedMessage(d: DetailOf<typeof instanceRestarted>, people: People): Message {
  const line = `${people.name}'s instance is running again: ${restartWhy[d.reason]}. Its public address may have changed: \`kismo status ${handle(d)}\`.`;
  return { text: line, blocks: [header('▶️ Started again'), section(line), ids(d)] };
}

const goneWhy: Record<DetailOf<typeof instanceTerminated>['reason'], string> = {
  user: 'you took it down',
  'work-finished': 'its work finished',
  'state-change': 'EC2 reports it terminated',
};

export function terminatedMessage(d: DetailOf<typeof instanceTerminated>, people: People): Message {
  const line = `${people.name}'s instance is terminated: ${goneWhy[d.reason]}. The dataset and outputs stay in S3; it costs nothing more.`;
  return { text: line, blocks: [header('🗑️ Terminated'), section(line), ids(d)] };
}
