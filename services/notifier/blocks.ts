import { esc } from '../kit/mention';

/** A Block Kit block, as the Chat port carries it. */
export type Block = Record<string, unknown>;

/** What a notification says: the plain text (notifications, the console, screen readers) and its blocks. */
export interface Message {
  readonly text: string;
  readonly blocks: readonly Block[];
}

// Slack's limits: a header's text, a section's text, a field's text.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
/** Log tails are cut to this, from the start, so the newest lines stay. */
const CODE_MAX = 2500;

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Inline code; backticks inside would end it early. */
export const code = (text: string): string => `\`${esc(text).replace(/`/g, "'")}\``;

export const header = (text: string): Block => ({
  type: 'header',
  text: { type: 'plain_text', text: clip(text, HEADER_MAX), emoji: true },
});

export const section = (mrkdwn: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(mrkdwn, SECTION_MAX) },
});

/** Label/value pairs side by side (Slack shows at most 10). */
export const fields = (pairs: readonly (readonly [string, string])[]): Block => ({
  type: 'section',
  fields: pairs.slice(0, 10).map(([label, value]) => ({
    type: 'mrkdwn',
    text: clip(`*${label}*\n${value}`, FIELD_MAX),
  })),
});

export const context = (parts: readonly string[]): Block => ({
  type: 'context',
  elements: parts.map((text) => ({ type: 'mrkdwn', text: clip(text, SECTION_MAX) })),
});

/** A log tail as a code block: the newest part, and no ``` that could close the block early. */
export const codeBlock = (title: string, log: string): Block => {
  const trimmed = log.trimEnd();
  const newest = trimmed.length > CODE_MAX ? `…${trimmed.slice(trimmed.length - CODE_MAX)}` : trimmed;
  const body = esc(newest === '' ? '(empty)' : newest).replace(/```/g, "'''");
  return section(`${title}\n\`\`\`${body}\`\`\``);
};

/** `74 s`, `12 min 3 s`, `2 h 5 min` — durations as people read them. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const minutes = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

/** A price per hour as kismo shows prices: `$3.06/h`, `$0.526/h`. */
export const usdPerHour = (price: number): string => `$${price.toFixed(price < 1 ? 3 : 2)}/h`;

/** The ids a message is about, small, at its foot. */
export const ids = (keys: { sessionId?: string; instanceId?: string }): Block =>
  context([
    ...(keys.sessionId ? [`session \`${keys.sessionId}\``] : []),
    ...(keys.instanceId ? [`instance \`${keys.instanceId}\``] : []),
  ]);
