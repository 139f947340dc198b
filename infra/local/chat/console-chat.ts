// Slack for the local cloud (and any setup without a Slack token): every message the notifier
// would post is printed, blocks included, so a developer sees what the owner would see — with
// Slack's markup shown as Slack shows it (a mention as @name, *bold* bold on a terminal).
import type { Chat, ChatMessage, Clock } from '../../../services/kit/ports';
import { systemClock } from '../../../services/kit/ports';

/** Where the messages are printed: `process.stdout`, or anything with a `write`. */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ConsoleChatOptions {
  /** @default process.stdout */
  readonly out?: TextSink;
  /** Gives the messages' ts. @default the system clock */
  readonly clock?: Clock;
  /** Slack member id → the name a mention shows (`<@U0ADA>` → `@ada`). @default none: `@U0ADA` */
  readonly members?: Readonly<Record<string, string>>;
  /** Bold and code in terminal colours. @default whether `out` is a terminal */
  readonly ansi?: boolean;
}

/** A message as posted, with the ts Slack would have given it. */
export interface PostedMessage extends ChatMessage {
  readonly ts: string;
}

/** A button shown on the console, by the number it is shown with (the first is 1). */
export interface ShownButton {
  readonly actionId: string;
  readonly value: string;
  readonly label: string;
  readonly message: PostedMessage;
}

/** A `Chat` that prints each message and keeps it in `messages`. */
export class ConsoleChat implements Chat {
  /** Every message posted, oldest first. */
  readonly messages: PostedMessage[] = [];
  /** Every button shown: button `n` is `buttons[n - 1]`, so a person can press it by its number. */
  readonly buttons: ShownButton[] = [];
  readonly #out: TextSink;
  readonly #clock: Clock;
  readonly #markup: Markup;
  #lastMicros = 0n;

  constructor(options: ConsoleChatOptions = {}) {
    this.#out = options.out ?? process.stdout;
    this.#clock = options.clock ?? systemClock;
    this.#markup = { members: options.members ?? {}, ansi: options.ansi ?? Boolean(this.#out.isTTY) };
  }

  async post(message: ChatMessage): Promise<{ ts: string }> {
    const ts = this.#nextTs();
    const posted = { ...message, ts };
    this.messages.push(posted);
    const number = (button: Readonly<Record<string, unknown>>): string => {
      const label = textOf(button.text);
      this.buttons.push({
        actionId: String(button.action_id),
        value: String(button.value ?? ''),
        label,
        message: posted,
      });
      return `[${this.buttons.length}: ${label}]`;
    };
    const lines = renderMessage(message, ts, number).map((line) => readable(line, this.#markup));
    this.#out.write(`${lines.join('\n')}\n\n`);
    return { ts };
  }

  /** Slack's `<seconds>.<microseconds>`, strictly increasing as Slack's are within a channel. */
  #nextTs(): string {
    const now = BigInt(this.#clock.now().getTime()) * 1000n;
    this.#lastMicros = now > this.#lastMicros ? now : this.#lastMicros + 1n;
    const seconds = this.#lastMicros / 1_000_000n;
    const micros = this.#lastMicros % 1_000_000n;
    return `${seconds}.${micros.toString().padStart(6, '0')}`;
  }
}

/** The lines a message prints as: a header, then its blocks — or its text, which Slack shows only without blocks. */
export function renderMessage(message: ChatMessage, ts: string, button?: ButtonRenderer): string[] {
  const thread = message.threadTs ? ` ↳ thread ${message.threadTs}` : '';
  const body = message.blocks?.length
    ? message.blocks.flatMap((block) => renderBlock(block, button))
    : [message.text];
  return [`── ${message.channel}${thread} (ts ${ts})`, ...body];
}

/** How a button prints: `[Stop now]` unless told otherwise (the console numbers them). */
export type ButtonRenderer = (button: Readonly<Record<string, unknown>>) => string;

/** A Block Kit block as text; mrkdwn (`*bold*`, `<@U123>`) is left as Slack would receive it. */
export function renderBlock(block: Readonly<Record<string, unknown>>, button?: ButtonRenderer): string[] {
  switch (block.type) {
    case 'header':
      return [`▌ ${textOf(block.text)}`];
    case 'section':
      return [
        textOf(block.text),
        ...list(block.fields).map((field) => `  ${textOf(field)}`),
        ...accessory(block),
      ].filter((line) => line.trim() !== '');
    case 'context':
      return [`  ${list(block.elements).map(elementText).join(' · ')}`];
    case 'divider':
      return ['────────'];
    case 'actions':
      return [
        list(block.elements)
          .map((element) =>
            button && asRecord(element).type === 'button' ? button(asRecord(element)) : elementText(element),
          )
          .join(' '),
      ];
    case 'image':
      return [elementText(block)];
    default:
      return [`[${String(block.type)} block]`];
  }
}

function accessory(block: Readonly<Record<string, unknown>>): string[] {
  return block.accessory === undefined ? [] : [`  ${elementText(block.accessory)}`];
}

/** A context or actions element: text objects, images and buttons. */
function elementText(element: unknown): string {
  const record = asRecord(element);
  if (record.type === 'image') return `[image: ${String(record.alt_text ?? '')}]`;
  if (record.type === 'button') return `[${textOf(record.text)}]`;
  return textOf(record);
}

/** The text of a text object (`{ type: 'mrkdwn' | 'plain_text', text }`). */
function textOf(value: unknown): string {
  const text = asRecord(value).text;
  return typeof text === 'string' ? text : '';
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asRecord(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** How Slack's markup is shown on the console. */
export interface Markup {
  readonly members: Readonly<Record<string, string>>;
  readonly ansi: boolean;
}

const BOLD = ['\x1b[1m', '\x1b[22m'];
const CODE = ['\x1b[36m', '\x1b[39m'];

/**
 * A line of Slack mrkdwn as Slack would show it: `<@U0ADA>` as `@ada` (or `@U0ADA`), `<url|text>`
 * as `text (url)`, `*bold*` and `` `code` `` in terminal colours (plain text off a terminal), and
 * the escaped `&lt;`, `&gt;`, `&amp;` as the characters they stand for.
 */
export function readable(line: string, markup: Markup): string {
  const [boldOn, boldOff] = markup.ansi ? BOLD : ['', ''];
  const [codeOn, codeOff] = markup.ansi ? CODE : ['`', '`'];
  return line
    .replace(/<@([UW][A-Z0-9]+)>/g, (_, id: string) => `@${markup.members[id] ?? id}`)
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/`([^`\n]+)`/g, `${codeOn}$1${codeOff}`)
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, `$1${boldOn}$2${boldOff}`)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
