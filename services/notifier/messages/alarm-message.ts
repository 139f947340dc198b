import type { alarmStateChange } from '../../../contracts/catalog';
import type { DetailOf } from '../../../contracts/kit/contract';
import { esc } from '../../kit/mention';
import { context, fields, header, type Message, section } from '../blocks';

const icon = { ALARM: '🚨', OK: '✅', INSUFFICIENT_DATA: '❔' } as const;

/** One of kismo's alarms changed state: for the operators, who can redrive dead letters or read the logs. */
export function alarmMessage(d: DetailOf<typeof alarmStateChange>): Message {
  const description = d.configuration?.description;
  return {
    text: `${icon[d.state.value]} ${d.alarmName} is ${d.state.value}: ${d.state.reason}`,
    blocks: [
      header(`${icon[d.state.value]} ${d.state.value}: ${d.alarmName}`),
      section(esc(d.state.reason)),
      fields([
        ['State', d.state.value],
        ['Before', d.previousState?.value ?? '—'],
        ['Since', d.state.timestamp],
      ]),
      ...(description ? [context([esc(description)])] : []),
    ],
  };
}
