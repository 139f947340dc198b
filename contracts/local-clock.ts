import * as z from 'zod';

/** Where the local cloud says what time it is on it: `<stateDir>/clock.json`. */
export const CLOCK_FILE = 'clock.json';

/** Frozen at a time (tests, the demo between its moves), or running at an offset from the machine's clock. */
export const localClockSchema = z.union([
  z.object({ frozenAt: z.iso.datetime() }),
  z.object({ offsetMs: z.number() }),
]);
export type LocalClockState = z.output<typeof localClockSchema>;

/** The local cloud's time now, from its clock file's state. */
export function localNow(state: LocalClockState, machineNow: number = Date.now()): Date {
  return 'frozenAt' in state ? new Date(state.frozenAt) : new Date(machineNow + state.offsetMs);
}
