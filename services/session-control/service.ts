import { parseSessionKey, requestCreated } from '../../contracts/aws/s3-object-created';
import { defineService } from '../kit/define-service';
import { once } from '../kit/once';
import { controlEmits, RequestRefused } from './control-context';
import { findInstance } from './find-instance';
import { perform } from './perform';
import { readRequest } from './read-request';

const REQUESTS = 'users/*/sessions/*/requests/*';
const KEEP_ALIVE = 'kismo/keep-alive/*';
const CLAIMS = 'kismo/claims/session-control/*';

/**
 * Acts for owners, who have no EC2 rights: `kismo stop|start|down|keep` write a request under the
 * owner's own session prefix; this checks that the session's instance belongs to that owner (the
 * key's, never the body's), acts once per request, and publishes what happened.
 */
export default defineService({
  name: 'session-control',
  description:
    'users/<owner>/sessions/<id>/requests/*.json → stop / start / terminate / keep-alive → Instance Stopped | Restarted | Terminated | Kept Alive',
  consumes: [requestCreated],
  emits: controlEmits,
  capabilities: {
    objects: {
      read: [REQUESTS, CLAIMS],
      write: [KEEP_ALIVE, CLAIMS],
      delete: [KEEP_ALIVE, CLAIMS],
    },
    compute: ['describe', 'stop', 'start', 'terminate', 'tag'],
  },
  idempotent: true,
  async handle(event, ctx) {
    if (event.name !== 'Request Created') return;
    const key = event.detail.object.key;
    const session = parseSessionKey(key);
    if (!session) return;
    const { ports, logger } = ctx;
    await once(
      ports.objects,
      `session-control/${key}`,
      async () => {
        try {
          const request = await readRequest(ports.objects, key, ports.clock.now());
          const instance = await findInstance(ports.compute, session.owner, session.sessionId);
          await perform({ ...session, key, request }, instance, ctx);
          logger.info('request done', { key, action: request.action, instanceId: instance.instanceId });
        } catch (error) {
          if (!(error instanceof RequestRefused)) throw error;
          logger.warn('request refused: nothing done', { key, reason: error.reason });
        }
      },
      { now: () => ports.clock.now() },
    );
  },
});
