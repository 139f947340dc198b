import * as z from 'zod';
import type { Contract, EventPattern } from '../kit/contract';

/** Where a schedule's events come from: EventBridge Scheduler in AWS, the movable clock locally. */
export const SCHEDULER_SOURCE = 'kismo.scheduler';

const detail = z.object({
  service: z.string().min(1),
  scheduledTime: z.iso.datetime({ offset: true }),
});

export type ScheduledDetail = z.output<typeof detail>;

/** The tick a service's schedule sends to its queue, or to its function when it consumes nothing else, shaped as an EventBridge event. */
export function scheduledEvent(service: string): Contract<'Scheduled Event', typeof detail> {
  return {
    name: 'Scheduled Event',
    source: SCHEDULER_SOURCE,
    detailType: 'Scheduled Event',
    description: `The schedule of ${service} fired.`,
    detail,
    pattern: (): EventPattern => ({
      source: [SCHEDULER_SOURCE],
      'detail-type': ['Scheduled Event'],
      detail: { service: [service] },
    }),
    correlate: () => ({}),
  };
}
