import { ec2StateChange, markerCreated } from '../../contracts/catalog';
import { defineService } from '../kit/define-service';
import { onDeadline } from './on-deadline';
import { onInstanceGone } from './on-instance-gone';
import { onMarker } from './on-marker';
import { watcherEmits } from './watcher-context';

const MARKERS = ['ready', 'failed', 'finished'].map((name) => `users/*/sessions/*/${name}.json`);
const CLAIMS = 'kismo/claims/readiness-watcher/*';

/**
 * Tells when an instance is usable, or never will be: the bootstrap's markers, EC2 stopping or
 * terminating an instance before it was ready, and a boot deadline checked every five minutes.
 */
export default defineService({
  name: 'readiness-watcher',
  description:
    'Markers, EC2 state changes and the boot deadline → Instance Ready | Instance Boot Failed | Work Finished',
  consumes: [markerCreated, ec2StateChange],
  emits: watcherEmits,
  schedule: { expression: 'rate(5 minutes)' },
  capabilities: {
    objects: { read: [...MARKERS, CLAIMS], write: [CLAIMS], delete: [CLAIMS] },
    compute: ['describe', 'console-output'],
  },
  timeoutSeconds: 60,
  idempotent: true,
  async handle(event, ctx) {
    switch (event.name) {
      case 'Marker Created':
        return onMarker(event.detail, ctx);
      case 'EC2 Instance State-change Notification':
        return onInstanceGone(event.detail, ctx);
      case 'Scheduled Event':
        return onDeadline(ctx);
    }
  },
});
