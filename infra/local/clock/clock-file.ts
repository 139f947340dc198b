import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLOCK_FILE, type LocalClockState } from '../../../contracts/local-clock';
import type { MovableClock } from './movable-clock';

/**
 * Keeps `<stateDir>/clock.json` saying what time it is on the local cloud, so the CLI's `ls` and
 * `status` count uptimes on the clock the cloud's events are stamped with (the demo's moved one,
 * a test's frozen one), not the machine's. Written now and after every move of the clock.
 */
export function publishClock(clock: MovableClock, stateDir: string): () => void {
  const file = path.join(stateDir, CLOCK_FILE);
  const write = () => {
    const now = clock.now();
    const state: LocalClockState = clock.frozen
      ? { frozenAt: now.toISOString() }
      : { offsetMs: now.getTime() - Date.now() };
    writeFileSync(file, `${JSON.stringify(state)}\n`);
  };
  write();
  return clock.onChange(write);
}
