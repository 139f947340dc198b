import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MovableClock } from '../../infra/local/clock/movable-clock';
import { LocalCloud, type LocalCloudOptions } from '../../infra/local/cloud';
import type { Chat, ChatMessage } from '../../services/kit/ports';

/** A chat that keeps what it is sent, for assertions. */
export class RecordingChat implements Chat {
  readonly messages: ChatMessage[] = [];
  private next = 1;

  async post(message: ChatMessage): Promise<{ ts: string }> {
    this.messages.push(message);
    return { ts: `1764340000.${String(this.next++).padStart(6, '0')}` };
  }
}

export interface TestCloud {
  readonly cloud: LocalCloud;
  readonly chat: RecordingChat;
  readonly stateDir: string;
  stop(options?: { keepState?: boolean }): Promise<void>;
}

/**
 * A local cloud on a free port, a frozen clock, a temp state dir and inert instances, for one test
 * file; IAM enforced, with the users (owners) a test names: `ada` unless told.
 */
export async function startTestCloud(
  options: Partial<LocalCloudOptions> & { readonly users?: readonly string[] } = {},
): Promise<TestCloud> {
  const { users = ['ada'], ...cloudOptions } = options;
  const stateDir = cloudOptions.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'kismo-cloud-'));
  const chat = new RecordingChat();
  const cloud = await LocalCloud.start({
    port: 0,
    stateDir,
    services: [],
    clock: new MovableClock({ start: new Date('2026-11-30T01:00:00Z'), frozen: true }),
    realtimeSchedules: false,
    chat,
    visibilityTimeoutSeconds: 1,
    // Instances only boot for real (the simulated bootstrap) in tests that ask for it.
    onBoot: async () => {},
    ...cloudOptions,
  });
  for (const user of users) cloud.addUser(user);
  return {
    cloud,
    chat,
    stateDir,
    stop: async ({ keepState = false } = {}) => {
      await cloud.stop();
      if (!keepState) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
