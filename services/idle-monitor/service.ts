import { defineService } from '../kit/define-service';
import { monitorEmits } from './monitor-context';
import { sweep } from './sweep';

const STATE = 'kismo/idle/*';
const KEEP_ALIVE = 'kismo/keep-alive/*';
const CLAIMS = 'kismo/claims/idle-monitor/*';

/**
 * Every hour: reads the Activity of every running kismo instance (its busiest signal over its idle
 * threshold) and, when it stayed under 1 for the whole window, mentions the owner (business hours)
 * or counts a strike and stops the instance at the second (outside them). Missing data is never
 * idleness: the operators hear of it. Owners of instances stopped for days are reminded what the
 * volume costs.
 */
export default defineService({
  name: 'idle-monitor',
  description:
    'Hourly: activity of running instances → Instance Idle | Instance Stopped | Idle Strikes Cleared; forgotten stopped instances → owner reminded',
  consumes: [],
  emits: monitorEmits,
  schedule: { expression: 'rate(1 hour)' },
  capabilities: {
    objects: {
      read: [STATE, KEEP_ALIVE, CLAIMS],
      write: [STATE, CLAIMS],
      delete: [STATE, CLAIMS],
      list: ['kismo/idle/', 'kismo/keep-alive/'],
    },
    compute: ['describe', 'stop', 'tag'],
    metrics: ['read'],
    chat: true,
  },
  // Thousands of instances: one GetMetricData call per 500, then S3 and bus calls per changed instance.
  timeoutSeconds: 300,
  memoryMb: 512,
  batchSize: 1,
  maxReceiveCount: 3,
  idempotent: true,
  async handle(event, ctx) {
    if (event.name !== 'Scheduled Event') return;
    await sweep(ctx, new Date(event.detail.scheduledTime));
  },
});
