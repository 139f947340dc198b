import * as z from 'zod';
import type { Contract, EventPattern } from '../kit/contract';

const alarmState = z.object({
  value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: z.string(),
  timestamp: z.string(),
});

const detail = z.object({
  alarmName: z.string().min(1),
  state: alarmState,
  previousState: alarmState.partial().optional(),
  configuration: z.object({ description: z.string().optional() }).loose().optional(),
});

/** CloudWatch's `CloudWatch Alarm State Change`, narrowed to kismo's alarms by name prefix. */
export const alarmStateChange: Contract<'CloudWatch Alarm State Change', typeof detail> = {
  name: 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  detailType: 'CloudWatch Alarm State Change',
  description: "One of kismo's alarms (dead letters, errors) changed state; operators are told.",
  detail,
  pattern: (): EventPattern => ({
    source: ['aws.cloudwatch'],
    'detail-type': ['CloudWatch Alarm State Change'],
    detail: { alarmName: [{ prefix: 'kismo-' }] },
  }),
  correlate: () => ({}),
};
