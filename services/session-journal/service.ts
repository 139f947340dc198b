import { ec2StateChange, kismoEvents } from '../../contracts/catalog';
import { defineService } from '../kit/define-service';
import { sessionOfInstance } from '../shared/session-of-instance';
import { changeOf } from './change-of';
import { ec2Change } from './ec2-change';
import { writeStatus } from './write-status';

/**
 * Keeps `status.json` per session — the state and a timeline people can read — so that `kismo
 * status`, `kismo ls` and `kismo push --wait` need nothing but S3 reads.
 */
export default defineService({
  name: 'session-journal',
  description:
    'Every kismo event, and EC2 stopping, terminating or starting a managed instance → users/<owner>/sessions/<id>/status.json (state and timeline)',
  consumes: [...kismoEvents, ec2StateChange],
  emits: [],
  capabilities: {
    objects: { read: ['users/*/sessions/*/status.json'], write: ['users/*/sessions/*/status.json'] },
    compute: ['describe'],
  },
  idempotent: true,
  async handle(event, { ports, logger, config }) {
    if (event.name === 'Scheduled Event') return;
    if (event.name === 'EC2 Instance State-change Notification') {
      // Stops and terminations whoever made them (the instance itself, the console), as EC2 saw them.
      const seen = await ec2Change(event, ports.compute);
      if (!seen) return;
      const wrote = await writeStatus(seen, { objects: ports.objects, now: () => ports.clock.now(), logger });
      logger.info(wrote ? 'EC2 state recorded' : 'EC2 state already recorded', { sessionId: seen.sessionId });
      return;
    }
    const change = changeOf(event, config.region);
    const sessionId =
      change.sessionId ?? (change.instanceId && (await sessionOfInstance(ports.compute, change.instanceId)));
    if (!sessionId) {
      logger.warn('no session to record this event in: the instance has no kismo:session tag', {
        instanceId: change.instanceId,
      });
      return;
    }
    const wrote = await writeStatus(
      { ...change, sessionId },
      { objects: ports.objects, now: () => ports.clock.now(), logger },
    );
    logger.info(wrote ? 'status recorded' : 'event already recorded', { sessionId });
  },
});
