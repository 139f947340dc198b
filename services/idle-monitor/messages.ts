import { activityFolder } from '../../contracts/activity-hour';
import { monthlyVolumePrice } from '../../contracts/prices';
import type { KismoConfig } from '../kit/config';
import { esc, mention } from '../kit/mention';
import type { ChatMessage } from '../kit/ports';

/** Who an instance is, as the messages name it. */
export interface Subject {
  readonly instanceId: string;
  readonly owner: string;
  readonly sessionId?: string;
  readonly instanceType: string;
}

const handle = (s: Subject): string => s.sessionId ?? s.instanceId;

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

/** For the operators: an instance's activity data does not cover the window, so it is left alone. */
export function missingDataMessage(s: Subject, config: KismoConfig): ChatMessage {
  const text =
    `📉 No complete Activity data from \`${s.instanceId}\` (${esc(s.instanceType)}, owner ${esc(s.owner)}` +
    `${s.sessionId ? `, session \`${s.sessionId}\`` : ''}) over the last ${config.idle.windowMinutes} minutes. ` +
    'kismo leaves it alone and will not stop it until data is back: check the activity reporter on the ' +
    'instance (`journalctl -u kismo-activity`), which records Activity only when it can measure GPU, memory, ' +
    `CPU and sessions, and writes each hour to \`${activityFolder(s.owner, s.instanceId)}\`. ` +
    'This is reported once until data covers a window again.';
  return { channel: config.slack.operatorsChannel, text, blocks: [section(text)] };
}

/** For the owner: a stopped instance they may have forgotten, and what its volume still costs. */
export function forgottenMessage(s: Subject, stoppedDays: number, config: KismoConfig): ChatMessage {
  const monthly = monthlyVolumePrice(config.rootVolumeGiB, config.region);
  const cost =
    monthly === undefined
      ? `still costs what gp3 storage costs in ${config.region} (kismo has no price table for it)`
      : `still costs about $${monthly.toFixed(2)} a month`;
  const text =
    `${mention(s.owner, config)} your ${esc(s.instanceType)} \`${s.instanceId}\` has been stopped for ` +
    `${Math.floor(stoppedDays)} days. Its ${config.rootVolumeGiB} GiB volume ${cost}. \`kismo down ${handle(s)}\` deletes it (your dataset and outputs stay ` +
    `in S3); \`kismo start ${handle(s)}\` brings it back. kismo never deletes it on its own.`;
  return { channel: config.slack.channel, text, blocks: [section(text)] };
}
