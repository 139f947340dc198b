import type { Compute } from '../kit/ports';

/** Enough of a log to see what went wrong, small enough for an event and a Slack message. */
const MAX_LINES = 40;
const MAX_CHARS = 4000;

// Serial consoles carry colour codes and carriage returns that only garble a message.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const NOISE = /\x1b\[[0-9;?]*[A-Za-z]|\r|[\x00-\x08\x0b\x0c\x0e-\x1f]/g;

/** The last lines of a log, without terminal noise. */
export function tail(log: string, maxLines = MAX_LINES, maxChars = MAX_CHARS): string {
  const lines = log.replace(NOISE, '').trimEnd().split('\n');
  const last = lines.slice(-maxLines).join('\n');
  return last.length > maxChars ? last.slice(last.length - maxChars) : last;
}

/** The tail of the instance's console output; a console EC2 cannot give is said so, never fatal. */
export async function consoleTail(compute: Compute, instanceId: string): Promise<string> {
  try {
    const log = tail(await compute.consoleOutput(instanceId));
    return log === '' ? '(the console output is empty)' : log;
  } catch (error) {
    return `(the console output is unavailable: ${(error as Error).message})`;
  }
}
