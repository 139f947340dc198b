import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { vi } from 'vitest';
import { runProcess } from './run-process';

export const KISMO_BIN = path.resolve(import.meta.dirname, '../../cli/bin/kismo.cjs');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `kismo` on this Node (22, under vitest) and waits for it to end. */
export async function runKismo(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<CliRun> {
  const { code, stdout, stderr } = await runProcess(process.execPath, [KISMO_BIN, ...args], {
    env: { ...process.env, ...env },
    timeoutMs,
  });
  return { code, stdout, stderr };
}

/** Starts a long-running `kismo` (like `kismo dev`) and resolves once a stdout line matches. */
export function startKismo(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<{ child: ChildProcessWithoutNullStreams; line: string; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KISMO_BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kismo ${args.join(' ')} printed no ${ready} in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => ready.test(l));
      if (line) {
        clearTimeout(timer);
        resolve({ child, line, stderr: () => stderr });
      }
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`kismo ${args.join(' ')} exited with ${code} before it was ready\n${stderr}`));
    });
  });
}

/** Sends a signal and waits for the exit code. */
export function stopWith(
  child: ChildProcessWithoutNullStreams,
  signal: NodeJS.Signals,
): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('close', (code) => resolve(code));
    child.kill(signal);
  });
}

/** Runs `kismo` in this process (faster than a process); its exit code and what it printed. */
export async function kismoInProcess(...args: string[]): Promise<CliRun> {
  const { main } = await import('../../cli/main');
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
