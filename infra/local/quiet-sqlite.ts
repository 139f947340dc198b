/** node:sqlite (under fauxqs's persistence) warns on every start that it is experimental; nothing we can act on. */
export function silenceSqliteWarning(): void {
  if ((process.emitWarning as { kismoQuiet?: boolean }).kismoQuiet) return;
  const emit = process.emitWarning.bind(process);
  const quiet = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.includes('SQLite is an experimental feature')) return;
    (emit as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning & { kismoQuiet?: boolean };
  quiet.kismoQuiet = true;
  process.emitWarning = quiet;
}
