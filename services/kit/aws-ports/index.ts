import type { PortName } from '../capabilities';
import type { KismoConfig } from '../config';
import type { Ports } from '../ports';
import { makeBus } from './bus';
import { makeChat } from './chat';
import { makeCompute } from './compute';
import { makeMetrics } from './metrics';
import { makeObjects } from './objects';

/** Makes a port's AWS adapter from the function's configuration and environment, on its first call. */
export type PortMaker<T> = (config: KismoConfig, env: NodeJS.ProcessEnv) => T | Promise<T>;

export type PortMakers = { readonly [K in PortName]?: PortMaker<Ports[K]> };

/**
 * Every port's AWS maker, each in `./<port>.ts` as `make<Port>`. A function's bundle gets a copy of
 * this module listing only the ports its service uses (`portsOf`; see `servicePorts` in
 * `infra/aws/bundling.ts`), so it neither loads nor compiles the SDK clients of the others.
 */
export const portMakers: PortMakers = {
  objects: makeObjects,
  compute: makeCompute,
  metrics: makeMetrics,
  bus: makeBus,
  chat: makeChat,
};
