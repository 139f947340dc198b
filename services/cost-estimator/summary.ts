import { costTotals, formatHours, formatUsd, sessionCost } from '../../contracts/cost-figures';
import { activeSince, type SessionLedger, sessionLedgerSchema } from '../../contracts/cost-ledger';
import type { KismoConfig } from '../kit/config';
import { mention } from '../kit/mention';
import type { ChatMessage, Objects } from '../kit/ports';
import { getJson } from '../kit/ports/objects';

const DAY_MS = 24 * 3600_000;

/** Every owner's ledgers worth a word this morning: sessions alive, or ended in the last day. */
export async function ledgersByOwner(
  objects: Pick<Objects, 'list' | 'get'>,
  prefix: string,
  now: Date,
): Promise<Map<string, SessionLedger[]>> {
  const owners = new Map<string, SessionLedger[]>();
  const dayAgo = new Date(now.getTime() - DAY_MS);
  for await (const { key } of objects.list(prefix)) {
    const owner = key.slice(prefix.length).split('/')[0];
    const stored = await getJson(objects, key);
    const parsed = sessionLedgerSchema.safeParse(stored?.value);
    if (!owner || !parsed.success) continue;
    const ledger = parsed.data;
    if (!activeSince(ledger, dayAgo)) continue;
    owners.set(owner, [...(owners.get(owner) ?? []), ledger]);
  }
  return owners;
}

/**
 * An owner's morning summary: the hours their sessions ran and what they cost so far, the hours
 * and dollars idle stops saved (against running through the night), and what their stopped
 * instances' volumes still cost a month. `kismo cost` shows the same figures, per session.
 */
export function summaryMessage(
  owner: string,
  ledgers: readonly SessionLedger[],
  now: Date,
  config: KismoConfig,
): ChatMessage {
  const total = costTotals(ledgers.map((ledger) => sessionCost(ledger, now)));
  const lines = [
    `💰 ${mention(owner, config)} your ${total.sessions} kismo session(s): ran ${formatHours(total.hoursRun)}, cost ${formatUsd(total.cost)} so far (estimate).`,
    total.idleHoursStopped > 0
      ? `Idle stops saved ${formatHours(total.idleHoursStopped)}, ${formatUsd(total.saved)}, against running through the night.`
      : undefined,
    total.stopped > 0
      ? `${total.stopped} stopped instance(s) still cost ${formatUsd(total.stoppedVolumesMonthly)} a month for their volumes: \`kismo down SESSION\` deletes one.`
      : undefined,
  ].filter((line): line is string => line !== undefined);
  const text = lines.join(' ');
  return {
    channel: config.slack.channel,
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}
