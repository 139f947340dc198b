import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { eventBridgeBus } from '../adapters/eventbridge-bus';
import type { Bus } from '../ports';
import type { PortMaker } from './index';

export const makeBus: PortMaker<Bus> = (config) =>
  eventBridgeBus(new EventBridgeClient({ region: config.region }), config.busName);
