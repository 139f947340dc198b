import type { KismoConfig } from '../config';

/** Makes a port's AWS adapter from the function's configuration and environment, on its first call. */
export type PortMaker<T> = (config: KismoConfig, env: NodeJS.ProcessEnv) => T | Promise<T>;
