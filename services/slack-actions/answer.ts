import { createHash } from 'node:crypto';
import { sessionKey } from '../../contracts/manifest';
import {
  MAX_KEEP_DAYS,
  type RequestAction,
  requestKey,
  requestName,
  type SessionRequest,
} from '../../contracts/session-request';
import type { ButtonAction, PressedButton } from '../../contracts/slack-buttons';
import type { KismoConfig } from '../kit/config';
import { type Logger, recordLogger } from '../kit/logger';
import { CLAIMS_PREFIX } from '../kit/once';
import type { Objects } from '../kit/ports';
import { PreconditionFailedError } from '../kit/ports/objects';
import { verifySlackRequest } from '../kit/slack-signature';
import { businessCalendar } from '../shared/calendar';
import { type Interaction, MAX_BODY_BYTES, MalformedInteraction, parseInteraction } from './interaction';

/** An HTTP request as the function URL (or the local cloud) gives it; header names in lower case. */
export interface HttpRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

export interface SlackActionsContext {
  /** The data bucket: replay claims, sessions' manifests, and the requests written for owners. */
  readonly objects: Objects;
  readonly config: KismoConfig;
  readonly now: () => Date;
  readonly logger: Logger;
  /** The Slack app's signing secret; `undefined` while none is set. */
  signingSecret(): Promise<string | undefined>;
  /** Posts a message to a press's `response_url` (Slack replaces the message, or answers one person). */
  respond(url: string, message: Readonly<Record<string, unknown>>): Promise<void>;
  /** Only URLs that start so are answered: Slack's (`https://hooks.slack.com/`). */
  readonly responseUrlPrefix: string;
}

/** Where the signatures of requests already answered are kept, so a replayed request does nothing. */
export const REPLAY_CLAIMS = `${CLAIMS_PREFIX}slack-actions/`;

const LABELS: Record<ButtonAction, string> = {
  stop: 'Stop now',
  'keep-2h': 'Keep 2 h',
  'keep-today': 'Keep until the end of business hours',
  'keep-overnight': 'Keep until business hours begin',
  terminate: 'Terminate',
};

/** The command each button stands for. */
const COMMANDS: Record<ButtonAction, string> = {
  stop: 'stop',
  'keep-2h': 'keep',
  'keep-today': 'keep',
  'keep-overnight': 'keep',
  terminate: 'down',
};

const HOUR_MS = 3600_000;

/**
 * Answers one press of a kismo button, within Slack's 3 seconds. Nothing is read before the
 * request is proven to be Slack's (signature, age) and seen for the first time; then the presser
 * must be the session's owner (or an operator) by the deployment's user map. The press becomes
 * the very request `kismo stop|keep|down` writes, under the owner's prefix, so session-control
 * acts on it as on the CLI's. The message is replaced to say who did what; a refusal is told to
 * the presser alone.
 */
export async function answer(request: HttpRequest, ctx: SlackActionsContext): Promise<HttpResponse> {
  const { logger } = ctx;
  if (request.method !== 'POST') return refuse(ctx, 405, 'only POST is answered');
  if (Buffer.byteLength(request.body) > MAX_BODY_BYTES) {
    return refuse(ctx, 413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  const secret = await ctx.signingSecret();
  if (!secret) {
    logger.error('no Slack signing secret is set: every press is refused (docs/deploy.md, Slack)');
    return { status: 503, body: 'not configured' };
  }
  const signature = request.headers['x-slack-signature'];
  const verified = verifySlackRequest(
    { timestamp: request.headers['x-slack-request-timestamp'], signature, body: request.body },
    secret,
    ctx.now(),
  );
  if (!verified.ok) return refuse(ctx, 401, verified.reason);
  if (!(await firstTime(ctx.objects, signature ?? ''))) {
    return refuse(ctx, 409, 'this request was answered before: a replay');
  }

  let interaction: Interaction;
  try {
    interaction = parseInteraction(request.body);
  } catch (error) {
    if (error instanceof MalformedInteraction) return refuse(ctx, 400, error.message);
    throw error;
  }
  if (!interaction.responseUrl.startsWith(ctx.responseUrlPrefix)) {
    return refuse(ctx, 400, `response_url is not Slack's (${ctx.responseUrlPrefix}…)`);
  }
  const { button, slackUser } = interaction;
  const told = (status: number, reason: string, text: string) =>
    tell(ctx, interaction, text).then(() => refuse(ctx, status, reason, { slackUser }));
  if (!button) {
    return told(400, `unknown action ${interaction.actionId}`, 'kismo does not know this button.');
  }
  const scoped = recordLogger(logger, { owner: button.owner, sessionId: button.sessionId });
  const presser = ownerOf(slackUser, ctx.config);
  if (!presser) {
    return told(
      403,
      `Slack member ${slackUser} is no kismo owner`,
      'Your Slack account is not linked to a kismo owner, so kismo cannot tell whose sessions are yours: ask an administrator to add you to `slack.users` (docs/deploy.md).',
    );
  }
  if (presser !== button.owner && !ctx.config.slack.operators.includes(presser)) {
    return told(
      403,
      `${presser} pressed a button of ${button.owner}'s session`,
      `Only ${button.owner} (or an operator) may act on session \`${button.sessionId}\`.`,
    );
  }
  if (!(await ctx.objects.get(sessionKey(button.owner, button.sessionId, 'manifest.json')))) {
    return told(
      404,
      `no session ${button.sessionId} of ${button.owner}`,
      `There is no session \`${button.sessionId}\` of ${button.owner}.`,
    );
  }
  const asked = requestOf(button, ctx);
  if ('refused' in asked) return told(409, asked.refused, asked.refused);

  const now = ctx.now();
  await ctx.objects
    .put(requestKey(button.owner, button.sessionId, requestName(now, asked.action)), JSON.stringify(asked), {
      contentType: 'application/json',
      ifNoneMatch: true,
    })
    .catch((error: unknown) => {
      // The same request, in the same millisecond (two presses of one button): it is asked already.
      if (!(error instanceof PreconditionFailedError)) throw error;
    });
  scoped.info('button pressed: request written', { action: button.action, by: presser, slackUser });
  await ctx
    .respond(interaction.responseUrl, pressedMessage(interaction, button, ctx))
    .catch((error: unknown) => scoped.warn('could not update the message', { error }));
  return { status: 200, body: '' };
}

/** The request a button asks for, as the CLI would write it; or why it cannot be asked now. */
function requestOf(button: PressedButton, ctx: SlackActionsContext): SessionRequest | { refused: string } {
  const now = ctx.now();
  const at = { requestedAt: now.toISOString() };
  const keep = (until: Date | undefined, why = '') => {
    if (!until) return { refused: why };
    if (until.getTime() - now.getTime() > MAX_KEEP_DAYS * 24 * HOUR_MS) {
      return { refused: `business hours begin more than ${MAX_KEEP_DAYS} days from now: use \`kismo keep\`` };
    }
    return { action: 'keep' as const, until: until.toISOString(), ...at };
  };
  const calendar = businessCalendar(ctx.config.calendar);
  const simple: Partial<Record<ButtonAction, RequestAction>> = { stop: 'stop', terminate: 'down' };
  const action = simple[button.action];
  if (action) return { action, ...at };
  if (button.action === 'keep-2h') return keep(new Date(now.getTime() + 2 * HOUR_MS));
  if (button.action === 'keep-today') {
    return keep(
      calendar.businessHoursEnd(now),
      `business hours are over (they end at ${ctx.config.calendar.end}): keep it until they begin, or for 2 h`,
    );
  }
  return keep(calendar.nextBusinessStart(now));
}

/** The owner whose Slack member this is, by the deployment's map. */
function ownerOf(slackUser: string, config: KismoConfig): string | undefined {
  return Object.entries(config.slack.users).find(([, member]) => member === slackUser)?.[0];
}

/** Records the request's signature; `false` if it was recorded before (a replay). */
async function firstTime(objects: Objects, signature: string): Promise<boolean> {
  const key = `${REPLAY_CLAIMS}${createHash('sha256').update(signature).digest('hex')}`;
  try {
    await objects.put(key, '{}', { contentType: 'application/json', ifNoneMatch: true });
    return true;
  } catch (error) {
    if (error instanceof PreconditionFailedError) return false;
    throw error;
  }
}

/** The message again, its buttons replaced by who pressed what, when. */
function pressedMessage(
  interaction: Interaction,
  button: PressedButton,
  ctx: SlackActionsContext,
): Record<string, unknown> {
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: ctx.config.calendar.timeZone,
    hour: '2-digit',
    minute: '2-digit',
  }).format(ctx.now());
  const line = `<@${interaction.slackUser}> pressed *${LABELS[button.action]}* at ${time}, as \`kismo ${COMMANDS[button.action]} ${button.sessionId}\` would.`;
  const kept = (interaction.messageBlocks ?? []).filter((block) => block.type !== 'actions');
  return {
    replace_original: true,
    text: line,
    blocks: [...kept, { type: 'context', elements: [{ type: 'mrkdwn', text: line }] }],
  };
}

/** Tells the presser alone why nothing was done. */
async function tell(ctx: SlackActionsContext, interaction: Interaction, text: string): Promise<void> {
  await ctx
    .respond(interaction.responseUrl, { response_type: 'ephemeral', replace_original: false, text })
    .catch((error: unknown) => ctx.logger.warn('could not tell the presser', { error }));
}

function refuse(
  ctx: SlackActionsContext,
  status: number,
  reason: string,
  extra: Record<string, unknown> = {},
): HttpResponse {
  ctx.logger.warn('press refused: nothing done', { status, reason, ...extra });
  return { status, body: reason };
}
