import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import type { PushIo } from '../../cli/push/io';

/** A stdout and a stderr that keep what was written to them. */
export function recordingStreams() {
  const printed = { stdout: '', stderr: '' };
  const sink = (name: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _encoding, done) {
        printed[name] += String(chunk);
        done();
      },
    });
  return { stdout: sink('stdout'), stderr: sink('stderr'), printed };
}

/** A command's io off a terminal (stdin not a TTY, nothing to answer), keeping what it printed. */
export function recordingIo(env: NodeJS.ProcessEnv): {
  io: PushIo;
  printed: { stdout: string; stderr: string };
} {
  const { stdout, stderr, printed } = recordingStreams();
  const io: PushIo = {
    stdin: Object.assign(new PassThrough(), { isTTY: false }),
    stdout,
    stderr,
    env,
    signals: new EventEmitter() as never,
  };
  return { io, printed };
}
