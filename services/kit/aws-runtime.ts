import type { PortName } from './capabilities';
import { configFromEnv, type KismoConfig } from './config';
import type { Service } from './define-service';
import { createHandler, type HandlerOptions } from './lambda';
import { lazyPort, refusedPort } from './lazy-port';
import { type PortMaker, type PortMakers, portMakers } from './port-makers';
import type { Ports } from './ports';
import { systemClock } from './ports/clock';

/**
 * The ports of a function in AWS, from the environment the stack gives it: KISMO_CONFIG, and where
 * needed LAUNCH_TEMPLATE_ID and SLACK_TOKEN_PARAMETER. SDK clients are made on a port's first call; a
 * port whose maker the bundle left out (its service declares no use of it) refuses every call.
 */
export function awsPorts(
  config: KismoConfig,
  env: NodeJS.ProcessEnv = process.env,
  makers: PortMakers = portMakers,
): Ports {
  const port = <K extends PortName>(name: K): Ports[K] => {
    const make: PortMaker<Ports[K]> | undefined = makers[name];
    return make
      ? lazyPort<Ports[K]>(async () => make(config, env))
      : refusedPort<Ports[K]>(
          `this function was bundled without the ${name} port: its service declares no use of it`,
        );
  };
  return {
    objects: port('objects'),
    compute: port('compute'),
    bus: port('bus'),
    chat: port('chat'),
    clock: systemClock,
  };
}

/** The Lambda handler of a service in AWS: `export const handler = awsHandler(service)`. */
export function awsHandler(service: Service, overrides: Partial<HandlerOptions> = {}) {
  return createHandler(service, {
    config: overrides.config ?? (() => configFromEnv()),
    ports: overrides.ports ?? (() => awsPorts(configFromEnv())),
  });
}
