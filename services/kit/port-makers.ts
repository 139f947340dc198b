import type { PortName } from './capabilities';
import type { Ports } from './ports';
import { makeBus } from './ports/bus';
import { makeChat } from './ports/chat';
import { makeCompute } from './ports/compute';
import type { PortMaker } from './ports/maker';
import { makeObjects } from './ports/objects';

export type { PortMaker } from './ports/maker';

export type PortMakers = { readonly [K in PortName]?: PortMaker<Ports[K]> };

/**
 * Every port's AWS maker, each in `./ports/<port>.ts` as `make<Port>`. A function's bundle gets a
 * copy of this module listing only the ports its service uses (`portsOf`; see `servicePorts` in
 * the Lambda bundling), so it neither loads nor compiles the SDK clients of the others.
 */
export const portMakers: PortMakers = {
  objects: makeObjects,
  compute: makeCompute,
  bus: makeBus,
  chat: makeChat,
};
