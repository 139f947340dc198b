import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { choose, confirm } from '../../../cli/terminal/prompt';

const io = () => ({ input: new PassThrough(), output: new PassThrough() });
const CHOICES = [
  { value: 'g4dn.xlarge', label: 'g4dn.xlarge' },
  { value: 'p3.2xlarge', label: 'p3.2xlarge' },
];

describe('prompts', () => {
  it('take an answer: y for yes, a number or a value for a choice', async () => {
    // Prepare
    const [yes, pick] = [io(), io()];

    // Act
    const answered = confirm(yes, 'Launch?');
    yes.input.write('y\n');
    const picked = choose(pick, 'Which?', CHOICES);
    pick.input.write('2\n');

    // Assess
    expect(await answered).toBe(true);
    expect(await picked).toBe('p3.2xlarge');
  });

  it('cancel on Ctrl-D (the input ends) with a message and a non-zero code, at a question or a pick', async () => {
    // Prepare
    const [question, pick] = [io(), io()];

    // Act
    const answered = confirm(question, 'Launch?');
    question.input.end();
    const picked = choose(pick, 'Which?', CHOICES);
    pick.input.end();

    // Assess
    for (const outcome of [answered, picked]) {
      await expect(outcome).rejects.toMatchObject({
        code: 'CANCELLED',
        exitCode: 1,
        message: expect.stringMatching(/nothing was sent or launched/),
      });
    }
  });

  it('cancel on Ctrl-C with 130, as a shell reports an interrupt, and leave no listener behind', async () => {
    // Prepare
    const question = io();
    const listeners = process.listenerCount('SIGINT');

    // Act
    const answered = confirm(question, 'Launch?');
    await vi.waitFor(() => expect(process.listenerCount('SIGINT')).toBe(listeners + 1));
    process.emit('SIGINT');

    // Assess
    await expect(answered).rejects.toMatchObject({ code: 'CANCELLED', exitCode: 130 });
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });
});
