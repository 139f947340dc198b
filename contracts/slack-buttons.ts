import { OWNER_PATTERN, SESSION_ID_PATTERN } from './kit/correlation';

/**
 * The buttons kismo puts on its Slack messages, and what each asks of a session: the same
 * requests `kismo stop|keep|down` write, so a press and a command are one path.
 *
 * - `stop`: stop the instance now (`kismo stop`);
 * - `keep-2h`: keep it running, idle or not, for two hours (`kismo keep --until 2h`);
 * - `keep-today`: keep it until today's business hours end (`kismo keep --until 19:00`);
 * - `keep-overnight`: keep it until business hours next begin;
 * - `terminate`: terminate it (`kismo down`), after a confirmation in Slack.
 */
export const buttonActions = ['stop', 'keep-2h', 'keep-today', 'keep-overnight', 'terminate'] as const;
export type ButtonAction = (typeof buttonActions)[number];

/** Every kismo button's `action_id` starts so: anything else in a payload is not kismo's. */
const ACTION_PREFIX = 'kismo:';
const VALUE = new RegExp(`^(${OWNER_PATTERN})/(${SESSION_ID_PATTERN})$`);

/** Slack limits a button's `action_id` and `value` to 255 and 2000 characters; ours stay far below. */
export const buttonActionId = (action: ButtonAction): string => `${ACTION_PREFIX}${action}`;

/** A button's value: the session it acts on, and its owner (whom the press must prove to be). */
export const buttonValue = (owner: string, sessionId: string): string => `${owner}/${sessionId}`;

export interface PressedButton {
  readonly action: ButtonAction;
  /** The owner the button names: never trusted alone, the presser is checked against it. */
  readonly owner: string;
  readonly sessionId: string;
}

/** A pressed button as kismo made it, or `undefined` for anything else. */
export function parseButton(actionId: string, value: string): PressedButton | undefined {
  if (!actionId.startsWith(ACTION_PREFIX)) return undefined;
  const action = actionId.slice(ACTION_PREFIX.length);
  if (!(buttonActions as readonly string[]).includes(action)) return undefined;
  const match = VALUE.exec(value);
  if (!match?.[1] || !match[2]) return undefined;
  return { action: action as ButtonAction, owner: match[1], sessionId: match[2] };
}
