import type { KismoConfig } from '../kit/config';
import type { Logger } from '../kit/logger';
import { once } from '../kit/once';
import type { Ports } from '../kit/ports';
import type { Notice } from './notice-of';
import { postInThread } from './thread';

/**
 * Posts a notice once. A Slack failure (rate limit, outage, network) throws: the claim is released
 * and SQS delivers the event again after its visibility timeout, so a message is late, never lost.
 */
export async function postNotice(
  notice: Notice,
  deps: { ports: Ports; config: KismoConfig; logger: Logger },
): Promise<void> {
  const { ports, config, logger } = deps;
  const { text, blocks } = notice.message;
  const posted = await once(ports.objects, notice.onceKey, async () => {
    if (notice.thread === undefined) {
      await ports.chat.post({ channel: config.slack.operatorsChannel, text, blocks });
      return;
    }
    await postInThread(ports, notice.thread, { channel: config.slack.channel, text, blocks });
  });
  logger.info(posted ? 'message posted' : 'message already posted', { onceKey: notice.onceKey });
}
