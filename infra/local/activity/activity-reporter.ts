// The on-instance activity reporter, for simulated instances: a real instance measures its GPUs,
// memory, CPU and logins; a simulated one reads what a test or a developer wrote into
// `<sandbox>/activity.json`. No file means an idle machine, as a real one nobody uses. Like the
// real one (userdata/activity-reporter.sh) it keeps the hour's readings on the instance's disk
// and writes each hour, once it is over, to the bucket with the instance's own credentials.
import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import {
  type ActivityHour,
  type ActivityPoint,
  activityHourSchema,
  activityKey,
  activityPointSchema,
  hourName,
  hourOf,
} from '../../../contracts/activity-hour';
import type { Clock } from '../../../services/kit/ports';
import { TAGS } from '../../../services/kit/ports';
import { activityOf, type IdleThresholds, type SignalReading } from '../../../services/shared/activity';
import type { SimulatedEc2 } from '../ec2/simulated-ec2';
import type { Credentials } from '../iam/principal';

/** The file in an instance's sandbox that says how busy it is. */
export const ACTIVITY_FILE = 'activity.json';
/** Where the hour's readings wait in the sandbox, as `/var/lib/kismo/activity` on an instance. */
export const PENDING_DIR = path.join('var', 'lib', 'kismo', 'activity');

const reading = z.object({
  gpu: z.number().min(0).default(0),
  memory: z.number().min(0).default(0),
  cpu: z.number().min(0).default(0),
  sessions: z.number().min(0).default(0),
});

/**
 * What `<sandboxDir>/activity.json` says, e.g. `{ "gpu": 80, "sessions": 1 }`; absent file or fields
 * read as 0 (idle). `undefined` when the file is not such an object: a reporter that cannot
 * measure records no Activity, and missing data is never taken for idleness.
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

/** What the reporter needs of the local cloud: its EC2, where its bucket is, and instance credentials. */
export interface ReporterHost {
  readonly ec2: SimulatedEc2;
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  instanceCredentials(instanceId: string): Credentials;
}

/** What one round wrote: the readings taken, and the hour objects written to the bucket. */
export interface ReportRound {
  readonly points: number;
  readonly written: readonly string[];
}

/**
 * One round of the activity reporter (every five minutes on a real instance), for every running
 * simulated instance: a reading stamped with the clock's time, appended to its hour's file, then
 * every hour before the current one written to `kismo/activity/<owner>/<instance>/<hour>.json`
 * with the instance's credentials (IAM judges it) and removed. A write refused or failed stays
 * on disk for the next round, as on an instance. A real instance divides by the thresholds
 * rendered into its user data at launch; a simulated one by the local cloud's.
 */
export async function reportActivity(
  host: ReporterHost,
  clock: Clock,
  thresholds: IdleThresholds,
): Promise<ReportRound> {
  const now = clock.now();
  let points = 0;
  const written: string[] = [];
  for await (const instance of host.ec2.describe({ states: ['running'] })) {
    const sandbox = host.ec2.sandbox(instance.instanceId);
    if (!sandbox) continue;
    const pending = path.join(sandbox, PENDING_DIR);
    await mkdir(pending, { recursive: true });
    const signals = await readActivityFile(sandbox);
    const point: ActivityPoint = {
      at: now.toISOString(),
      ...(signals ? { ...signals, activity: activityOf(signals, thresholds) } : {}),
    };
    await appendFile(path.join(pending, `${hourName(now)}.jsonl`), `${JSON.stringify(point)}\n`);
    points += 1;
    const owner = instance.tags[TAGS.owner];
    if (!owner) continue;
    const current = hourName(hourOf(now));
    for (const file of (await readdir(pending)).sort()) {
      const hour = /^(\d{4}-\d\d-\d\dT\d\d)\.jsonl$/.exec(file)?.[1];
      if (!hour || hour >= current) continue;
      const key = activityKey(owner, instance.instanceId, new Date(`${hour}:00:00Z`));
      try {
        await putHour(
          host,
          instance.instanceId,
          key,
          await hourOfFile(instance.instanceId, hour, path.join(pending, file)),
        );
        await rm(path.join(pending, file));
        written.push(key);
      } catch (error) {
        host.ec2.appendConsole(
          instance.instanceId,
          `kismo: could not write ${key} (${(error as Error).message}); trying again in five minutes`,
        );
      }
    }
  }
  return { points, written };
}

/** The hour's readings, as the real reporter joins its file's lines; lines cut short are left out. */
async function hourOfFile(instanceId: string, hour: string, file: string): Promise<ActivityHour> {
  const points = (await readFile(file, 'utf8')).split('\n').flatMap((line) => {
    try {
      const parsed = activityPointSchema.safeParse(JSON.parse(line));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
  return activityHourSchema.parse({ instanceId, hour: `${hour}:00:00Z`, points });
}

async function putHour(
  host: ReporterHost,
  instanceId: string,
  key: string,
  hour: ActivityHour,
): Promise<void> {
  const s3 = new S3Client({
    endpoint: host.endpoint,
    region: host.region,
    credentials: host.instanceCredentials(instanceId),
    forcePathStyle: true,
  });
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: host.bucket,
        Key: key,
        Body: JSON.stringify(hour),
        ContentType: 'application/json',
      }),
    );
  } finally {
    s3.destroy();
  }
}
