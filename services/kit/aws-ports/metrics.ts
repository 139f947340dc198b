import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { cloudWatchMetrics } from '../adapters/cloudwatch-metrics';
import type { Metrics } from '../ports';

export const makeMetrics = (region: string): Metrics => cloudWatchMetrics(new CloudWatchClient({ region }));
