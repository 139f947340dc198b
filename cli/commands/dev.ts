import path from 'node:path';
import { LocalCloud } from '../../infra/local/cloud';
import { createSlackClient, slackChat } from '../../services/kit/ports/chat';
import { writeProfile } from '../config/profiles';
import type { GlobalOptions } from '../program';
import { stopwatch } from '../stopwatch';

export interface DevOptions {
  readonly port: number;
  readonly stateDir: string;
  readonly bootDelay: number;
}

/**
 * `kismo dev`: starts the local cloud, writes the `local` profile, prints one `ready` line, and
 * runs until Ctrl-C, when it stops cleanly (state stays in the state directory).
 */
export async function dev(options: DevOptions, globals: GlobalOptions): Promise<void> {
  const elapsed = stopwatch();
  const stateDir = path.resolve(options.stateDir);
  // Real Slack when a token is given; the console otherwise.
  const token = process.env.KISMO_SLACK_TOKEN;
  const cloud = await LocalCloud.start({
    port: options.port,
    stateDir,
    bootDelayMs: options.bootDelay,
    ...(token ? { chat: slackChat(createSlackClient(token)) } : {}),
  });
  writeProfile('local', {
    kind: 'local',
    endpoint: cloud.endpoint,
    region: cloud.region,
    bucket: cloud.bucket,
    busName: cloud.config.busName,
    credentials: { ...cloud.credentials },
    stateDir,
  });
  // Listening before the ready line: whoever reads it may send Ctrl-C at once.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const seconds = elapsed().toFixed(2);
  const ready = {
    status: 'ready',
    endpoint: cloud.endpoint,
    profile: 'local',
    bucket: cloud.bucket,
    services: cloud.services.map((s) => s.name),
    stateDir,
    seconds: Number(seconds),
  };
  process.stdout.write(
    globals.json
      ? `${JSON.stringify(ready)}\n`
      : `kismo local cloud ready at ${cloud.endpoint} in ${seconds}s (profile "local", bucket ${cloud.bucket}, ${ready.services.length} services; Ctrl-C stops it)\n`,
  );
  await stopped;
  process.stderr.write('kismo dev: stopping…\n');
  await cloud.stop();
  process.stderr.write(`kismo dev: stopped; state kept in ${stateDir}\n`);
}
