// The local cloud's stand-in for userdata/bootstrap.sh: the same steps and the same markers, done
// by Node with the cloud's own S3, into the instance's sandbox folder instead of /data.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { z } from 'zod';
import { parsePins, pinsKey } from '../../../contracts/dataset-pins';
import {
  datasetPrefix,
  type SessionManifest,
  sessionKey,
  sessionManifestSchema,
} from '../../../contracts/manifest';
import { failedMarkerSchema, finishedMarkerSchema, readyMarkerSchema } from '../../../contracts/markers';
import { TAGS } from '../../../services/kit/ports';
import type { LocalCloud } from '../cloud';
import { downloadPrefix, measure, restorePinned, uploadFolder } from './simulated-bootstrap-transfer';

export interface SimulatedBootstrapOptions {
  /** Lines of the boot's log that go into failed.json. @default 60 */
  readonly logTailLines?: number;
}

/** The `onBoot` the local cloud takes. */
export type OnBoot = (cloud: LocalCloud, instanceId: string, userData: string) => Promise<void>;

/** What one boot knows and says: its session, its log (console lines) and where it writes markers. */
interface Boot {
  readonly cloud: LocalCloud;
  readonly s3: S3Client;
  readonly instanceId: string;
  readonly owner: string;
  readonly sessionId: string;
  readonly lines: string[];
  step: string;
  /** The marker written last: after ready.json a failure is only logged, as bootstrap.sh does. */
  marked?: string;
}

function log(boot: Boot, text: string): void {
  const line = `${boot.cloud.clock.now().toISOString()} kismo: ${text}`;
  boot.lines.push(line);
  boot.cloud.ec2.appendConsole(boot.instanceId, line);
}

async function putMarker<S extends z.ZodType>(
  boot: Boot,
  name: string,
  schema: S,
  marker: z.input<S>,
): Promise<void> {
  await boot.s3.send(
    new PutObjectCommand({
      Bucket: boot.cloud.bucket,
      Key: sessionKey(boot.owner, boot.sessionId, `${name}.json`),
      Body: `${JSON.stringify(schema.parse(marker))}\n`,
      ContentType: 'application/json',
    }),
  );
}

class BootFailure extends Error {}

async function readManifest(boot: Boot): Promise<SessionManifest> {
  const key = sessionKey(boot.owner, boot.sessionId, 'manifest.json');
  const object = await boot.s3.send(new GetObjectCommand({ Bucket: boot.cloud.bucket, Key: key }));
  const parsed = sessionManifestSchema.safeParse(JSON.parse((await object.Body?.transformToString()) ?? ''));
  if (!parsed.success) throw new BootFailure(`${key} is not a valid session manifest`);
  return parsed.data;
}

/** Runs the session's command as bootstrap.sh does: bash, in the dataset folder, nothing on stdin. */
function runCommand(boot: Boot, command: string, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) log(boot, `run: ${line}`);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function bootSession(boot: Boot, sandbox: string, launchedAt: string): Promise<void> {
  const { cloud } = boot;
  boot.step = 'reading the manifest';
  const manifest = await readManifest(boot);
  // The owner comes from the instance's tag, as the launcher set it from the key: never from the body.
  const prefix = datasetPrefix(boot.owner, manifest.dataset.name);
  const dataPath = path.join(sandbox, 'data', manifest.dataset.name);

  boot.step = 'downloading the dataset';
  log(boot, `downloading s3://${cloud.bucket}/${prefix} to ${dataPath}`);
  const pullStarted = performance.now();
  const bootSeconds = Math.max(0, (cloud.clock.now().getTime() - Date.parse(launchedAt)) / 1000);
  const download = await downloadPrefix(boot.s3, cloud.bucket, prefix, dataPath);
  for (const key of download.skipped) log(boot, `skipped ${key}: it would land outside ${dataPath}`);
  if (manifest.dataset.pinned) {
    const pinsObject = await boot.s3.send(
      new GetObjectCommand({ Bucket: cloud.bucket, Key: pinsKey(boot.owner, boot.sessionId) }),
    );
    const pins = parsePins((await pinsObject.Body?.transformToString()) ?? '');
    let restored: number;
    try {
      restored = await restorePinned(boot.s3, cloud.bucket, prefix, dataPath, pins);
    } catch (error) {
      throw new BootFailure((error as Error).message);
    }
    if (restored > 0) {
      log(
        boot,
        `the dataset was pushed again since this session's push: ${restored} files come from its versions`,
      );
    }
  }
  const dataSeconds = Math.round(performance.now() - pullStarted) / 1000;

  boot.step = 'checking the dataset';
  const found = await measure(dataPath);
  const { files, bytes } = manifest.dataset;
  if (found.files !== files || found.bytes !== bytes) {
    throw new BootFailure(
      `dataset check: ${files} files (${bytes} bytes) expected, ${found.files} files (${found.bytes} bytes) found in ${dataPath}`,
    );
  }
  log(boot, `dataset ready: ${found.files} files, ${found.bytes} bytes`);
  boot.step = 'writing ready.json';
  const at = () => cloud.clock.now().toISOString();
  await putMarker(boot, 'ready', readyMarkerSchema, {
    instanceId: boot.instanceId,
    at: at(),
    bootSeconds,
    dataSeconds,
    ...found,
    dataPath,
  });
  boot.marked = 'ready';

  const run = manifest.options.run;
  if (!run?.trim()) return;
  boot.step = 'running the session command';
  log(boot, `running the session command in ${dataPath}`);
  const runStarted = performance.now();
  const exitCode = await runCommand(boot, run, dataPath);
  const seconds = Math.round(performance.now() - runStarted) / 1000;
  log(boot, `the session command exited with ${exitCode}`);

  const outputs = path.join(dataPath, manifest.options.outputs ?? 'outputs');
  const outputsPrefix = sessionKey(boot.owner, boot.sessionId, 'outputs/');
  // As bootstrap.sh: true uploaded, false the upload failed (only they keep the instance), null none made.
  let outputsUploaded: boolean | null = null;
  if (!existsSync(outputs)) {
    log(boot, `no ${manifest.options.outputs ?? 'outputs'} folder: no outputs to upload`);
  } else {
    try {
      const count = await uploadFolder(boot.s3, cloud.bucket, outputs, outputsPrefix);
      log(boot, `${count} outputs uploaded to ${outputsPrefix}`);
      outputsUploaded = true;
    } catch (error) {
      outputsUploaded = false;
      log(boot, `the outputs could not be uploaded (${(error as Error).message}): the instance stays up`);
    }
  }
  const afterRun = manifest.options.afterRun ?? 'terminate';
  await putMarker(boot, 'finished', finishedMarkerSchema, {
    instanceId: boot.instanceId,
    at: at(),
    exitCode,
    seconds,
    outputsPrefix: outputsUploaded === null ? null : outputsPrefix,
    outputsUploaded,
    afterRun,
  });
  if (afterRun !== 'keep' && outputsUploaded !== false) {
    log(boot, `done: shutting down (then: ${afterRun})`);
    await cloud.ec2.shutdownFromInside(boot.instanceId);
  }
}

/**
 * The local cloud's `onBoot`: what bootstrap.sh does on EC2, for a simulated instance. It reads the
 * session from the instance's tags, pulls the dataset into `<sandbox>/data/<name>/` through the
 * cloud's S3, checks it against the manifest and writes `ready.json` — or `failed.json` with the
 * log tail — through S3 as well, so the marker's `Object Created` event flows as in AWS. With a
 * run command it runs it (this is the developer's own machine), uploads the outputs, writes
 * `finished.json` and shuts the instance down as the manifest says.
 */
export function simulatedBootstrap(options: SimulatedBootstrapOptions = {}): OnBoot {
  return async (cloud, instanceId) => {
    let instance: { tags: Readonly<Record<string, string>>; launchedAt: string } | undefined;
    for await (const found of cloud.ec2.describe({ instanceIds: [instanceId] })) instance = found;
    const owner = instance?.tags[TAGS.owner];
    const sessionId = instance?.tags[TAGS.session];
    const sandbox = cloud.ec2.sandbox(instanceId);
    if (!instance || !owner || !sessionId || !sandbox) {
      cloud.ec2.appendConsole(instanceId, 'kismo: not a kismo session instance with a sandbox: no bootstrap');
      return;
    }
    let credentials: ReturnType<LocalCloud['instanceCredentials']>;
    try {
      // What the instance profile gives the instance: its owner's role, nothing more.
      credentials = cloud.instanceCredentials(instanceId);
    } catch (error) {
      cloud.ec2.appendConsole(
        instanceId,
        `kismo: no credentials on this instance (${(error as Error).message})`,
      );
      return;
    }
    const s3 = new S3Client({
      endpoint: cloud.endpoint,
      region: cloud.region,
      credentials,
      forcePathStyle: true,
    });
    const boot: Boot = { cloud, s3, instanceId, owner, sessionId, lines: [], step: 'starting' };
    try {
      log(boot, `session ${sessionId} of ${owner} on ${instanceId}`);
      await bootSession(boot, sandbox, instance.launchedAt);
    } catch (error) {
      const message = (error as Error).message;
      const reason =
        error instanceof BootFailure ? message : `the bootstrap failed while ${boot.step}: ${message}`;
      log(boot, `FAILED: ${reason}`);
      if (boot.marked) throw error;
      const logTail = boot.lines
        .slice(-(options.logTailLines ?? 60))
        .join('\n')
        .slice(-6000);
      await putMarker(boot, 'failed', failedMarkerSchema, {
        instanceId,
        at: cloud.clock.now().toISOString(),
        reason: reason.slice(0, 1900),
        logTail,
      });
    } finally {
      s3.destroy();
    }
  };
}
