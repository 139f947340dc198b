// The on-instance activity reporter, for simulated instances: a real instance measures its GPUs,
// memory, CPU and logins; a simulated one reads what a test or a developer wrote into
// `<sandbox>/activity.json`. No file means an idle machine, as a real one nobody uses.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import type { Clock, MetricDatum, Metrics } from '../../../services/kit/ports';
import { activitySignals } from '../../../services/kit/ports';
import { activityOf, type IdleThresholds, type SignalReading } from '../../../services/shared/activity';
import type { SimulatedEc2 } from '../ec2/simulated-ec2';

/** The file in an instance's sandbox that says how busy it is. */
export const ACTIVITY_FILE = 'activity.json';

const reading = z.object({
  gpu: z.number().min(0).default(0),
  memory: z.number().min(0).default(0),
  cpu: z.number().min(0).default(0),
  sessions: z.number().min(0).default(0),
});

/**
 * What `<sandboxDir>/activity.json` says, e.g. `{ "gpu": 80, "sessions": 1 }`; absent file or fields
 * read as 0 (idle). `undefined` when the file is not such an object: a reporter that cannot
 * measure sends nothing, and missing data is never taken for idleness.
 */
export async function readActivityFile(sandboxDir: string): Promise<SignalReading | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(sandboxDir, ACTIVITY_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reading.parse({});
    throw error;
  }
  try {
    const parsed = reading.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One round of the activity reporter (every five minutes on a real instance): for every running
 * instance a datum per signal and its `Activity`, stamped with the clock's time. A real instance
 * divides by the thresholds rendered into its user data at launch; a simulated one by the local
 * cloud's. Returns what it put.
 */
export async function reportActivity(
  metrics: Metrics,
  compute: SimulatedEc2,
  clock: Clock,
  thresholds: IdleThresholds,
): Promise<MetricDatum[]> {
  const timestamp = clock.now();
  const data: MetricDatum[] = [];
  for await (const { instanceId } of compute.describe({ states: ['running'] })) {
    const sandbox = compute.sandbox(instanceId);
    const activity = sandbox ? await readActivityFile(sandbox) : reading.parse({});
    if (!activity) continue;
    for (const signal of activitySignals) {
      data.push({ instanceId, metric: signal, value: activity[signal], timestamp });
    }
    data.push({ instanceId, metric: 'activity', value: activityOf(activity, thresholds), timestamp });
  }
  await metrics.put(data);
  return data;
}
