import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { eventBridgeBus } from '../adapters/eventbridge-bus';
import type { Bus } from '../ports';

export const makeBus = (region: string, busName: string): Bus =>
  eventBridgeBus(new EventBridgeClient({ region }), busName);
