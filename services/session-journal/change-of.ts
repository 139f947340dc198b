import { kismoEvents } from '../../contracts/catalog';
import type { KismoEvent } from '../../contracts/kit/define-event';
import { hourlyPrice } from '../../contracts/prices';
import type { Delivered } from '../kit/define-service';
import type { JournalChange } from './journal-change';

export type JournalEvent = Delivered<(typeof kismoEvents)[number]>;

const seconds = (s: number): string =>
  s < 120 ? `${Math.round(s * 10) / 10} s` : `${Math.round(s / 60)} min`;
const usd = (n: number): string => `$${n.toFixed(2)}`;

/** What an event changes in its session's status, with a one-line summary for people. */
export function changeOf(
  event: JournalEvent,
  region: string,
  catalog: readonly KismoEvent[] = kismoEvents,
): JournalChange {
  const { detail, envelope } = event;
  const base = {
    owner: detail.owner,
    sessionId: detail.sessionId,
    instanceId: 'instanceId' in detail ? detail.instanceId : undefined,
  };
  const entry = (summary: string) => ({
    at: envelope.time,
    detailType: envelope['detail-type'],
    summary,
    eventId: envelope.id,
  });
  switch (event.name) {
    case 'Instance Launched v1': {
      const d = event.detail;
      return {
        ...base,
        entry: entry(`launched ${d.instanceType} ${d.instanceId} in ${d.availabilityZone}`),
        facts: {
          instanceId: d.instanceId,
          instanceType: d.instanceType,
          availabilityZone: d.availabilityZone,
          dataset: d.dataset,
          hourlyPrice: hourlyPrice(d.instanceType, region) ?? null,
          launchedAt: d.launchedAt,
        },
      };
    }
    case 'Launch Failed v1': {
      const d = event.detail;
      return {
        ...base,
        entry: entry(`launch failed (${d.reason.code}): ${d.reason.message}`),
        facts: {},
        reason: d.reason.message,
      };
    }
    case 'Instance Ready v1': {
      const d = event.detail;
      return {
        ...base,
        entry: entry(
          `ready at ${d.address} after ${seconds(d.bootSeconds)} boot, ${seconds(d.dataSeconds)} data`,
        ),
        facts: {
          instanceId: d.instanceId,
          address: d.address,
          connect: d.connect,
          readyAt: envelope.time,
          ...(d.instanceType ? { instanceType: d.instanceType } : {}),
          ...(d.sandbox ? { sandbox: d.sandbox } : {}),
        },
      };
    }
    case 'Instance Boot Failed v1': {
      const d = event.detail;
      const why = d.message ?? d.reason;
      return {
        ...base,
        entry: entry(`boot failed (${d.reason}): ${why}`),
        facts: { instanceId: d.instanceId },
        reason: `boot failed (${d.reason}): ${why}`,
      };
    }
    case 'Work Finished v1': {
      const d = event.detail;
      const lost = d.outputsUploaded === false ? '; outputs NOT uploaded, the instance stays up' : '';
      const took = d.seconds === undefined ? '' : ` after ${seconds(d.seconds)}`;
      return {
        ...base,
        entry: entry(`work finished with exit code ${d.exitCode}${took}${lost}`),
        facts: { instanceId: d.instanceId, exitCode: d.exitCode },
        ...(d.exitCode !== 0 || lost ? { reason: `the run exited with code ${d.exitCode}${lost}` } : {}),
      };
    }
    case 'Instance Idle v2': {
      const { readings: r, strike, action } = event.detail;
      const what = action === 'mention' ? 'owner asked' : `strike ${strike}, will stop`;
      return {
        ...base,
        entry: entry(`idle (busiest signal at ${r.activity}% of its threshold): ${what}`),
        facts: { idleStrikes: strike },
      };
    }
    case 'Idle Strikes Cleared v1':
      return {
        ...base,
        entry: entry(`idle strikes cleared (${event.detail.reason.replace('-', ' ')})`),
        facts: { idleStrikes: 0 },
      };
    case 'Instance Kept Alive v1':
      return {
        ...base,
        entry: entry(`kept alive until ${event.detail.until}`),
        facts: { keepAliveUntil: event.detail.until },
      };
    case 'Instance Stopped v1':
      return {
        ...base,
        entry: entry(`stopped (${event.detail.reason})`),
        facts: {},
        reason: `stopped (${event.detail.reason})`,
      };
    case 'Instance Restarted v1':
      return { ...base, entry: entry(`started again (${event.detail.reason})`), facts: { idleStrikes: 0 } };
    case 'Instance Terminated v1':
      return {
        ...base,
        entry: entry(`terminated (${event.detail.reason})`),
        facts: {},
        reason: `terminated (${event.detail.reason})`,
      };
    case 'Cost Estimated v1': {
      const d = event.detail;
      return {
        ...base,
        entry: entry(`costs ${usd(d.hourly)}/h, ${usd(d.accrued)} so far (estimate)`),
        facts: { hourlyPrice: d.hourly, costSoFar: d.accrued },
      };
    }
    default: {
      // An event the journal has no rule for (a new subscriber's): its own line, no facts.
      const contract = catalog.find((c) => c.name === (event as { name: string }).name);
      const detail = (event as { detail: unknown }).detail;
      return {
        ...base,
        entry: entry(contract ? contract.timeline(detail as never) : envelope['detail-type']),
        facts: {},
      };
    }
  }
}
