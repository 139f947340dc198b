import { kismoEvents } from '../../contracts/catalog';
import type { EventEnvelope } from '../../contracts/kit/contract';

type Detail = Record<string, unknown>;

/** One line a person can read for each event the demo shows; `undefined` for plumbing. */
export function describeEvent(event: EventEnvelope): string | undefined {
  const d = event.detail as Detail;
  const type = event['detail-type'];
  const at = new Date(event.time).toLocaleString('en-GB', {
    timeZone: 'Asia/Tokyo',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  const line = (text: string) => `${at} JST  ${type.padEnd(21)} ${text}`;
  switch (type) {
    case 'Object Created': {
      const key = String((d.object as Detail).key);
      if (key.endsWith('/manifest.json')) return line(`${key} (the upload is complete)`);
      if (/\/(ready|failed|finished)\.json$/.test(key)) return line(`${key} (written by the instance)`);
      return undefined;
    }
    case 'Instance Launched':
      return line(`${d.instanceId} (${d.instanceType}) in ${d.availabilityZone}`);
    case 'Launch Failed':
      return line(`${(d.reason as Detail).code}: ${(d.reason as Detail).message}`);
    case 'Instance Ready':
      return line(`${d.instanceId} at ${d.address}; connect: ${d.connect}`);
    case 'Instance Boot Failed':
      return line(`${d.instanceId}: ${d.reason}`);
    case 'Instance Idle':
      return line(
        `${d.instanceId}: ${d.action} (strike ${d.strike}, ${d.businessHours ? 'business hours' : 'off hours'})`,
      );
    case 'Instance Stopped':
    case 'Instance Restarted':
    case 'Instance Terminated':
      return line(`${d.instanceId}: ${d.reason}`);
    case 'Idle Strikes Cleared':
      return line(`${d.instanceId}: ${d.strikes} strike(s) cleared (${d.reason})`);
    case 'Instance Kept Alive':
      return line(`${d.instanceId}: kept alive until ${d.until}`);
    case 'EC2 Instance State-change Notification':
      return line(`${d['instance-id']} is ${d.state}`);
    default: {
      // Any other kismo event reads as its contract says it does in a timeline.
      const contract = kismoEvents.find((c) => c.detailType === type);
      return contract ? line(contract.timeline(d as never)) : undefined;
    }
  }
}
