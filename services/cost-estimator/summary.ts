import type { KismoConfig } from '../kit/config';
import { mention } from '../kit/mention';
import type { ChatMessage, Objects } from '../kit/ports';
import { getJson } from '../kit/ports/objects';
import {
  accrued,
  HOURS_PER_MONTH,
  hoursRun,
  isStopped,
  type SessionLedger,
  saved,
  sessionLedgerSchema,
} from './ledger';

const DAY_MS = 24 * 3600_000;
const usd = (n: number): string => `$${n.toFixed(2)}`;
const hours = (n: number): string => `${Math.round(n * 10) / 10} h`;

/** Every owner's ledgers worth a word this morning: sessions alive, or ended in the last day. */
export async function ledgersByOwner(
  objects: Pick<Objects, 'list' | 'get'>,
  prefix: string,
  now: Date,
): Promise<Map<string, SessionLedger[]>> {
  const owners = new Map<string, SessionLedger[]>();
  for await (const { key } of objects.list(prefix)) {
    const owner = key.slice(prefix.length).split('/')[0];
    const stored = await getJson(objects, key);
    const parsed = sessionLedgerSchema.safeParse(stored?.value);
    if (!owner || !parsed.success) continue;
    const ledger = parsed.data;
    if (ledger.endedAt && now.getTime() - Date.parse(ledger.endedAt) > DAY_MS) continue;
    owners.set(owner, [...(owners.get(owner) ?? []), ledger]);
  }
  return owners;
}

/**
 * An owner's morning summary: the hours their sessions ran and what they cost so far, the hours
 * and dollars idle stops saved (against running through the night), and what their stopped
 * instances' volumes still cost a month.
 */
export function summaryMessage(
  owner: string,
  ledgers: readonly SessionLedger[],
  now: Date,
  config: KismoConfig,
): ChatMessage {
  const ran = ledgers.reduce((sum, l) => sum + hoursRun(l, now), 0);
  const cost = ledgers.reduce((sum, l) => sum + accrued(l, now).total, 0);
  const savedHours = ledgers.reduce((sum, l) => sum + saved(l, now).hours, 0);
  const savedDollars = ledgers.reduce((sum, l) => sum + saved(l, now).dollars, 0);
  const stopped = ledgers.filter(isStopped);
  const volumes = stopped.reduce((sum, l) => sum + l.volumeHourly * HOURS_PER_MONTH, 0);
  const lines = [
    `💰 ${mention(owner, config)} your ${ledgers.length} kismo session(s): ran ${hours(ran)}, cost ${usd(cost)} so far (estimate).`,
    savedHours > 0
      ? `Idle stops saved ${hours(savedHours)}, ${usd(savedDollars)}, against running through the night.`
      : undefined,
    stopped.length > 0
      ? `${stopped.length} stopped instance(s) still cost ${usd(volumes)} a month for their volumes: \`kismo down SESSION\` deletes one.`
      : undefined,
  ].filter((line): line is string => line !== undefined);
  const text = lines.join(' ');
  return {
    channel: config.slack.channel,
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}
