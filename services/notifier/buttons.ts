import { type ButtonAction, buttonActionId, buttonValue } from '../../contracts/slack-buttons';
import type { Block, Message } from './blocks';

/** How the buttons read: business hours as the calendar has them. */
export interface ButtonLabels {
  /** When business hours end (`19:00`). */
  readonly dayEnds: string;
  /** When business hours begin (`09:00`). */
  readonly dayStarts: string;
}

const label = (action: ButtonAction, labels: ButtonLabels): string =>
  ({
    stop: 'Stop now',
    'keep-2h': 'Keep 2 h',
    'keep-today': `Keep until ${labels.dayEnds}`,
    'keep-overnight': `Keep until ${labels.dayStarts}`,
    terminate: 'Terminate',
  })[action];

/** The buttons that end the instance ask before they act: Slack shows this, and nothing is sent on "Cancel". */
const confirmation = (action: ButtonAction, sessionId: string) =>
  action === 'terminate'
    ? {
        confirm: {
          title: { type: 'plain_text', text: 'Terminate the instance?' },
          text: {
            type: 'mrkdwn',
            text: `Session \`${sessionId}\`'s instance and its volume are deleted; outputs not uploaded are lost.`,
          },
          confirm: { type: 'plain_text', text: 'Terminate' },
          deny: { type: 'plain_text', text: 'Cancel' },
          style: 'danger',
        },
      }
    : {};

/**
 * `message` with a row of buttons acting on the owner's session, each doing what the matching
 * `kismo` command does (`contracts/slack-buttons.ts`). Without a session id there is nothing a
 * button could name: the message stays as it is.
 */
export function withButtons(
  message: Message,
  session: { readonly owner: string; readonly sessionId?: string | undefined },
  actions: readonly ButtonAction[],
  labels: ButtonLabels,
): Message {
  const { sessionId } = session;
  if (!sessionId || actions.length === 0) return message;
  const row: Block = {
    type: 'actions',
    block_id: `kismo-session-${sessionId}`,
    elements: actions.map((action) => ({
      type: 'button',
      action_id: buttonActionId(action),
      value: buttonValue(session.owner, sessionId),
      text: { type: 'plain_text', text: label(action, labels) },
      ...(action === 'stop' || action === 'terminate' ? { style: 'danger' } : {}),
      ...confirmation(action, sessionId),
    })),
  };
  return { ...message, blocks: [...message.blocks, row] };
}
