import type { instanceReady } from '../../../contracts/catalog';
import type { DetailOf } from '../../../contracts/kit/contract';
import { formatHourly } from '../../../contracts/prices';
import { esc } from '../../kit/mention';
import { code, duration, fields, header, ids, type Message, section } from '../blocks';
import type { People } from './people';

/** Ready: what it is, what it costs, where it is, and the one command that connects to it. */
export function readyMessage(d: DetailOf<typeof instanceReady>, people: People, region: string): Message {
  const type = d.instanceType ?? 'instance';
  const price = d.instanceType ? formatHourly(d.instanceType, region) : 'unknown';
  return {
    text: `${people.ping} your ${type} is ready at ${d.address} (${price}). Connect: ${d.connect}`,
    blocks: [
      header(`✅ Ready: ${type}`),
      section(`${people.ping} your instance is up with its data in place.`),
      fields([
        ['Type', code(type)],
        ['Price', price],
        ['Address', code(d.address)],
        ['Boot / data', `${duration(d.bootSeconds)} / ${duration(d.dataSeconds)}`],
        ...(d.sandbox ? [['Sandbox', code(d.sandbox)] as const] : []),
      ]),
      section(`*Connect*\n\`\`\`${esc(d.connect)}\`\`\``),
      ids(d),
    ],
  };
}
