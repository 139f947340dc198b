import { makeBus } from './aws-ports/bus';
import { makeChat } from './aws-ports/chat';
import { makeCompute } from './aws-ports/compute';
import { makeMetrics } from './aws-ports/metrics';
import { makeObjects } from './aws-ports/objects';
import { configFromEnv, type KismoConfig } from './config';
import type { Service } from './define-service';
import { createHandler, type HandlerOptions } from './lambda';
import { lazyPort } from './lazy-port';
import type { Bus, Chat, Compute, Metrics, Objects, Ports } from './ports';
import { systemClock } from './ports/clock';

/**
 * The ports of a function in AWS, from the environment the stack gives it: KISMO_CONFIG, and where
 * needed LAUNCH_TEMPLATE_ID and SLACK_SECRET_ARN. SDK clients are made on a port's first call.
 * (Imports stay static: esbuild cannot prune the SDK's schemas inside a lazily imported module,
 * which doubled the bundles when tried.)
 */
export function awsPorts(config: KismoConfig, env: NodeJS.ProcessEnv = process.env): Ports {
  const region = config.region;
  return {
    objects: lazyPort<Objects>(async () => makeObjects(region, config.bucket)),
    compute: lazyPort<Compute>(async () => makeCompute(region, env.LAUNCH_TEMPLATE_ID)),
    metrics: lazyPort<Metrics>(async () => makeMetrics(region)),
    bus: lazyPort<Bus>(async () => makeBus(region, config.busName)),
    chat: lazyPort<Chat>(() => makeChat(region, env.SLACK_SECRET_ARN)),
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
