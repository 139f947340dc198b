import { defineService } from '../kit/define-service';
import { sessionOfInstance } from '../shared/session-of-instance';
import { notifierConsumes } from './consumed';
import { noticeOf } from './notice-of';
import { postNotice } from './post-notice';

const OWN = ['kismo/claims/notifier/*', 'kismo/notifier/threads/*'];

/**
 * Tells people on Slack: one thread per session in the channel, the owner mentioned by Slack id,
 * alarms in the operators' channel. Each message once, however often its event arrives.
 */
export default defineService({
  name: 'notifier',
  description: 'The events people care about → Slack, one thread per session; alarms → operators',
  consumes: notifierConsumes,
  emits: [],
  capabilities: {
    objects: { read: OWN, write: OWN, delete: OWN },
    compute: ['describe'],
    chat: true,
  },
  // A Slack call gives up within about 30 s (10 s timeout, two retries): the whole batch fits.
  timeoutSeconds: 60,
  batchSize: 5,
  // With AWS's visibility timeout of 6 × 60 s, eight deliveries ride out about 45 min of Slack outage.
  maxReceiveCount: 8,
  idempotent: true,
  async handle(event, { ports, config, logger }) {
    if (event.name === 'Scheduled Event') return;
    const notice = await noticeOf(event, config, (instanceId) =>
      sessionOfInstance(ports.compute, instanceId),
    );
    await postNotice(notice, { ports, config, logger });
  },
});
