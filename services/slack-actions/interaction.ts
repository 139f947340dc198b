import * as z from 'zod';
import { type PressedButton, parseButton } from '../../contracts/slack-buttons';

/** Slack's interactivity payloads are small; a larger body is refused before it is parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

/** What kismo reads of a `block_actions` payload (Slack sends much more, ignored). */
const payloadSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().regex(/^[UW][A-Z0-9]{2,}$/) }),
  actions: z
    .array(z.object({ action_id: z.string().max(255), value: z.string().max(2000).default('') }))
    .length(1),
  response_url: z.url().max(2000),
  message: z
    .object({ ts: z.string().optional(), blocks: z.array(z.record(z.string(), z.unknown())).optional() })
    .optional(),
});

/** A press of one of kismo's buttons, by a Slack member. */
export interface Interaction {
  readonly slackUser: string;
  /** `undefined` when the button is not one kismo made: refused. */
  readonly button: PressedButton | undefined;
  readonly actionId: string;
  /** Where Slack takes the answer: the message's replacement, or an ephemeral reply. */
  readonly responseUrl: string;
  /** The message the button was on, to show it again without its buttons. */
  readonly messageBlocks: readonly Record<string, unknown>[] | undefined;
}

export class MalformedInteraction extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedInteraction';
  }
}

/**
 * The form body Slack posts (`payload=<JSON>`), read as one button press. Anything else — no
 * payload, bad JSON, another interaction type, several actions — is malformed.
 *
 * @throws MalformedInteraction saying what is wrong
 */
export function parseInteraction(body: string): Interaction {
  const payload = new URLSearchParams(body).get('payload');
  if (payload === null) throw new MalformedInteraction('no payload field in the form body');
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    throw new MalformedInteraction('the payload is not JSON');
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    throw new MalformedInteraction(
      `the payload is not a button press: ${problem?.path.join('.') || '(payload)'}: ${problem?.message}`,
    );
  }
  const { user, actions, response_url, message } = parsed.data;
  const [action] = actions as [{ action_id: string; value: string }];
  return {
    slackUser: user.id,
    button: parseButton(action.action_id, action.value),
    actionId: action.action_id,
    responseUrl: response_url,
    messageBlocks: message?.blocks,
  };
}
