import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { cloudWatchMetrics } from '../adapters/cloudwatch-metrics';
import type { Metrics } from '../ports';
import type { PortMaker } from './index';

export const makeMetrics: PortMaker<Metrics> = (config) =>
  cloudWatchMetrics(new CloudWatchClient({ region: config.region }));
