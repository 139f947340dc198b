import { defineService } from '../kit/define-service';
import { monitorEmits } from './monitor-context';
import { sweep } from './sweep';

const STATE = 'kismo/idle/*';
const KEEP_ALIVE = 'kismo/keep-alive/*';
const CLAIMS = 'kismo/claims/idle-monitor/*';
const ACTIVITY = 'kismo/activity/*';

/**
 * Every hour, ten minutes past (once the instances have written the hour that ended): reads the
 * Activity of every running kismo instance over the last whole hours (the busiest signal over its
 * idle threshold, from the hour objects its reporter writes) and, when it stayed under 1 for the
 * whole window, mentions the owner (business hours) or counts a strike and stops the instance at
 * the second (outside them). Missing data is never idleness: the operators hear of it. Owners of
 * instances stopped for days are reminded what the volume costs.
 */
export default defineService({
  name: 'idle-monitor',
  description:
    'Hourly: activity of running instances → Instance Idle | Instance Stopped | Idle Strikes Cleared; forgotten stopped instances → owner reminded',
  consumes: [],
  emits: monitorEmits,
  schedule: { expression: 'cron(10 * * * ? *)' },
  capabilities: {
    objects: {
      read: [STATE, KEEP_ALIVE, CLAIMS, ACTIVITY],
      write: [STATE, CLAIMS],
      delete: [STATE, CLAIMS],
      list: ['kismo/idle/', 'kismo/keep-alive/'],
    },
    compute: ['describe', 'stop', 'tag'],
    chat: true,
  },
  // Thousands of instances: one GET per instance and hour, then S3 and bus calls per changed instance.
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
