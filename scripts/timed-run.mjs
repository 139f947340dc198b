// `node scripts/timed-run.mjs COMMAND [ARG…]`: runs the command with this process's stdin, stdout
// and stderr, adds its wall-clock seconds as the last line of stderr (`timed-run {"seconds":0.123}`),
// and exits with its exit code.
//
// `npm run bench:push` times each tool through it. The benchmark hosts the local cloud, which keeps
// every object sent to it in memory, and a fork from a process of that size (~450 MB after a first
// push) costs it 15–20 ms on a 2-core VM, its page tables copied: counted against the tool, that is
// a tenth of an unchanged re-push, and none of it is the tool's. This process is small, as a shell is.
// Plain JavaScript, so it starts without a TypeScript loader.
const { spawn } = process.getBuiltinModule('node:child_process');

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: node scripts/timed-run.mjs COMMAND [ARG…]\n');
  process.exit(2);
}
const started = performance.now();
const child = spawn(command, args, { stdio: 'inherit' });
let failed = false;
child.on('error', (error) => {
  failed = true;
  process.stderr.write(`timed-run: cannot run ${command}: ${error.message}\n`);
  process.exitCode = 127;
});
child.on('close', (code, signal) => {
  if (failed) return;
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`\ntimed-run ${JSON.stringify({ seconds, signal: signal ?? undefined })}\n`);
  process.exitCode = code ?? 1;
});
