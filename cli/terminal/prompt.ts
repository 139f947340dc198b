import { CliError } from '../errors';

/** Where questions are asked and answered: the terminal, or a test's streams. */
export interface PromptIo {
  readonly input: NodeJS.ReadableStream;
  /** Questions go to stderr: stdout carries results only. */
  readonly output: NodeJS.WritableStream;
}

/** Asks a yes/no question; anything but y/yes is no, so Enter never launches by accident. */
export async function confirm(io: PromptIo, question: string): Promise<boolean> {
  const answer = await ask(io, `${question} [y/N] `);
  return /^(y|yes)$/i.test(answer.trim());
}

/** Offers numbered choices; resolves to the value picked (by number or by value), or `undefined`. */
export async function choose(
  io: PromptIo,
  question: string,
  choices: readonly { readonly value: string; readonly label: string }[],
): Promise<string | undefined> {
  const lines = choices.map((c, i) => `  ${i + 1}) ${c.label}`).join('\n');
  const answer = (await ask(io, `${question}\n${lines}\nnumber: `)).trim();
  const picked = Number(answer);
  if (Number.isInteger(picked) && picked >= 1 && picked <= choices.length) return choices[picked - 1]?.value;
  return choices.find((c) => c.value === answer)?.value;
}

/**
 * One question, one line of answer. Ctrl-D (the input ends) or Ctrl-C cancels: a `CANCELLED`
 * error, so the command ends non-zero (130 for Ctrl-C, as a shell reports it) having done nothing.
 */
async function ask(io: PromptIo, text: string): Promise<string> {
  // Loaded when a question is asked: most runs (`--yes`, scripts) never ask one.
  const { createInterface } = await import('node:readline/promises');
  const readline = createInterface({ input: io.input, output: io.output, terminal: false });
  let onInterrupt: (() => void) | undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      onInterrupt = () =>
        reject(new CliError('CANCELLED', 'cancelled (Ctrl-C): nothing was sent or launched', 130));
      process.once('SIGINT', onInterrupt);
      readline.once('close', () =>
        reject(new CliError('CANCELLED', 'cancelled (the input ended): nothing was sent or launched')),
      );
      readline.question(text).then(resolve, reject);
    });
  } finally {
    if (onInterrupt) process.off('SIGINT', onInterrupt);
    readline.close();
  }
}
