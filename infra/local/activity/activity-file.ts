// How a developer, a test or the demo makes a simulated instance busy: the simulated activity
// reporter reads `<sandbox>/activity.json` every five minutes (idle when the file is absent).
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SignalReading } from '../../../services/shared/activity';
import type { SimulatedEc2 } from '../ec2/simulated-ec2';
import { ACTIVITY_FILE } from './activity-reporter';

/** What the helpers need of the local cloud: its simulated EC2. */
export interface HasSimulatedEc2 {
  readonly ec2: SimulatedEc2;
}

function activityPath(cloud: HasSimulatedEc2, instanceId: string): string {
  const sandbox = cloud.ec2.sandbox(instanceId);
  if (!sandbox) throw new Error(`${instanceId} has no sandbox: the simulated EC2 runs without a sandboxRoot`);
  return path.join(sandbox, ACTIVITY_FILE);
}

/**
 * Sets what the instance's next readings say, e.g. `{ gpu: 85, memory: 40 }`; signals left out
 * read 0. Written whole (temp file, then rename), so the reporter never reads half a file.
 */
export async function setActivity(
  cloud: HasSimulatedEc2,
  instanceId: string,
  activity: Partial<SignalReading>,
): Promise<void> {
  const file = activityPath(cloud, instanceId);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(activity)}\n`);
  await rename(temp, file);
}

/** Makes the instance idle again: no file reads as zero on every signal. */
export async function clearActivity(cloud: HasSimulatedEc2, instanceId: string): Promise<void> {
  await rm(activityPath(cloud, instanceId), { force: true });
}
