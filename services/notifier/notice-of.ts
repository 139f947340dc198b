import type { ButtonAction } from '../../contracts/slack-buttons';
import type { KismoConfig } from '../kit/config';
import { mention } from '../kit/mention';
import type { Message } from './blocks';
import { withButtons } from './buttons';
import type { NotifierEvent } from './consumed';
import { alarmMessage } from './messages/alarm-message';
import { bootFailedMessage, launchFailedMessage } from './messages/failure-messages';
import {
  idleMessage,
  restartedMessage,
  stoppedMessage,
  terminatedMessage,
} from './messages/instance-messages';
import type { People } from './messages/people';
import { readyMessage } from './messages/ready-message';
import { workFinishedMessage } from './messages/work-message';

/** One message to post, once. */
export interface Notice {
  /**
   * Claim key of this message. Built from what is stable when a producer publishes the same fact
   * again (session or instance, detail-type, a discriminator) — never the envelope id, which changes.
   */
  readonly onceKey: string;
  /** The session's thread in the channel; absent for the operators' channel, which has no threads. */
  readonly thread?: string;
  readonly message: Message;
}

/** How the notifier finds a session for an event that names only its instance. */
export type SessionLookup = (instanceId: string) => Promise<string | undefined>;

/** A notice's thread: the session's, or the instance's when no session is known. */
export const threadOf = (keys: { sessionId?: string; instanceId?: string }): string =>
  keys.sessionId ?? `instance-${keys.instanceId}`;

/**
 * The message for an event, with its once-key. Recurring events (idle, stopped, restarted) add the
 * hour of the event to their key: the same reading republished is one message, tomorrow's is another.
 */
export async function noticeOf(
  event: NotifierEvent,
  config: KismoConfig,
  lookup: SessionLookup,
): Promise<Notice> {
  if (event.name === 'CloudWatch Alarm State Change') {
    const d = event.detail;
    return {
      onceKey: `notifier/alarms/${d.alarmName}/${d.state.value}/${d.state.timestamp}`,
      message: alarmMessage(d),
    };
  }
  const d = event.detail;
  const people: People = { ping: mention(d.owner, config), name: mention(d.owner, config, false) };
  const sessionId = d.sessionId ?? ('instanceId' in d ? await lookup(d.instanceId) : undefined);
  const keys = { ...d, sessionId };
  const base = `notifier/${threadOf(keys)}/${event.name
    .toLowerCase()
    .replace(/ v\d+$/, '')
    .replace(/ /g, '-')}`;
  const hour = event.envelope.time.slice(0, 13);
  const labels = { dayEnds: config.calendar.end, dayStarts: config.calendar.start };
  const owners = (suffix: string, message: Message): Notice => ({
    onceKey: `${base}/${suffix}`,
    thread: threadOf(keys),
    message,
  });
  switch (event.name) {
    case 'Instance Ready v1':
      return owners(
        event.detail.instanceId,
        withButtons(readyMessage(event.detail, people, config.region), keys, ['terminate'], labels),
      );
    case 'Launch Failed v1':
      return owners(event.detail.reason.code, launchFailedMessage(event.detail, people));
    case 'Instance Boot Failed v1':
      return owners(event.detail.instanceId, bootFailedMessage(event.detail, people));
    case 'Work Finished v1':
      return owners(
        event.detail.instanceId,
        withButtons(
          workFinishedMessage(event.detail, people),
          keys,
          event.detail.afterRun === 'terminate' ? [] : ['terminate'],
          labels,
        ),
      );
    case 'Instance Idle v2': {
      const i = event.detail;
      const settings = { windowMinutes: config.idle.windowMinutes, ...labels };
      // In business hours the owner decides about today; outside them, about the night.
      const actions: ButtonAction[] =
        i.action === 'mention' ? ['stop', 'keep-today', 'keep-2h'] : ['keep-overnight', 'keep-2h', 'stop'];
      return owners(
        `${i.instanceId}/${hour}/${i.action}-${i.strike}`,
        withButtons(idleMessage({ ...i, sessionId }, people, settings), keys, actions, labels),
      );
    }
    case 'Instance Stopped v1':
      return owners(
        `${event.detail.instanceId}/${hour}/${event.detail.reason}`,
        stoppedMessage({ ...event.detail, sessionId }, people),
      );
    case 'Instance Restarted v1':
      return owners(
        `${event.detail.instanceId}/${hour}/${event.detail.reason}`,
        restartedMessage({ ...event.detail, sessionId }, people),
      );
    case 'Instance Terminated v1':
      return owners(event.detail.instanceId, terminatedMessage({ ...event.detail, sessionId }, people));
  }
}
