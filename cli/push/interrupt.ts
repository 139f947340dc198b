import { CliError } from '../errors';
import type { PushIo } from './io';

/**
 * Runs the sync with Ctrl-C (or SIGTERM) wired to an abort: in-flight requests stop, what S3
 * confirmed stays in the index, no manifest is written, and the exit code is 130. A second Ctrl-C
 * exits at once, for whoever cannot wait for requests to unwind.
 */
export async function interruptible<T>(
  io: PushIo,
  work: (signal: AbortSignal) => Promise<T>,
  what: { readonly command: string; readonly message: string } = {
    command: 'kismo push',
    message:
      'push interrupted: nothing was launched; run the same command again to send only what is missing',
  },
): Promise<T> {
  const controller = new AbortController();
  const signals = io.signals ?? process;
  const interrupted = new CliError('INTERRUPTED', what.message, 130);
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    io.stderr.write(`\n${what.command}: stopping (Ctrl-C again to quit at once)…\n`);
    controller.abort(interrupted);
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } catch (error) {
    if (controller.signal.aborted) throw interrupted;
    throw error;
  } finally {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
  }
}
