import { defineService } from '../kit/define-service';
import { restarterEmits, restartStopped } from './restart';

const CLAIMS = 'kismo/claims/business-hours-restarter/*';

/**
 * When business hours begin, starts again what the idle monitor stopped overnight (or over a
 * weekend or holiday), so owners find their machines as they left them.
 */
export default defineService({
  name: 'business-hours-restarter',
  description:
    'At the start of business hours (on business days) → starts instances kismo stopped for idleness → Instance Restarted',
  consumes: [],
  emits: restarterEmits,
  schedule: { expression: 'cron(0 9 ? * MON-FRI *)', at: 'business-hours-start' },
  capabilities: {
    objects: { read: [CLAIMS], write: [CLAIMS], delete: [CLAIMS] },
    compute: ['describe', 'start', 'tag'],
  },
  timeoutSeconds: 120,
  batchSize: 1,
  idempotent: true,
  async handle(event, ctx) {
    if (event.name !== 'Scheduled Event') return;
    await restartStopped(ctx, new Date(event.detail.scheduledTime));
  },
});
