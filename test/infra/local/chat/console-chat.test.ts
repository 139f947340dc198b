import { describe, expect, it } from 'vitest';
import { ConsoleChat, readable } from '../../../../infra/local/chat/console-chat';

function sink(): { text: () => string; write: (chunk: string) => void } {
  const chunks: string[] = [];
  return { text: () => chunks.join(''), write: (chunk) => chunks.push(chunk) };
}

describe('ConsoleChat', () => {
  it('prints the channel and the blocks (not the fallback text), mentions and mrkdwn as Slack shows them', async () => {
    // Prepare
    const out = sink();
    const chat = new ConsoleChat({
      out,
      clock: { now: () => new Date('2024-04-01T09:00:00.000Z') },
      members: { U123: 'ada' },
    });

    // Act
    const { ts } = await chat.post({
      channel: '#kismo',
      text: 'g5.xlarge is ready',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Instance ready' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '<@U123> your *g5.xlarge* is ready' },
          fields: [
            { type: 'mrkdwn', text: '*Session*\nsession-1' },
            { type: 'mrkdwn', text: '*Type*\ng5.xlarge' },
          ],
        },
        { type: 'divider' },
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: 'i-0abc12345def67890' },
            { type: 'plain_text', text: '$1.006/h' },
          ],
        },
      ],
    });

    // Assess
    expect(ts).toBe('1711962000.000000');
    expect(out.text()).toBe(
      [
        '── #kismo (ts 1711962000.000000)',
        '▌ Instance ready',
        '@ada your g5.xlarge is ready',
        '  Session\nsession-1',
        '  Type\ng5.xlarge',
        '────────',
        '  i-0abc12345def67890 · $1.006/h',
        '',
        '',
      ].join('\n'),
    );
  });

  it('marks replies with their thread and keeps every message with its ts', async () => {
    // Prepare
    const out = sink();
    const chat = new ConsoleChat({ out });
    const first = await chat.post({ channel: 'C01', text: 'launching' });

    // Act
    const reply = await chat.post({ channel: 'C01', text: 'ready', threadTs: first.ts });

    // Assess
    expect(out.text()).toContain(`── C01 ↳ thread ${first.ts} (ts ${reply.ts})\nready\n`);
    expect(chat.messages).toEqual([
      { channel: 'C01', text: 'launching', ts: first.ts },
      { channel: 'C01', text: 'ready', threadTs: first.ts, ts: reply.ts },
    ]);
  });

  it('gives increasing ts even when the clock does not move', async () => {
    // Prepare
    const chat = new ConsoleChat({ out: sink(), clock: { now: () => new Date(1_700_000_000_123) } });

    // Act
    const stamps = [];
    for (let i = 0; i < 3; i++) stamps.push((await chat.post({ channel: 'C01', text: `${i}` })).ts);

    // Assess
    expect(stamps).toEqual(['1700000000.123000', '1700000000.123001', '1700000000.123002']);
    for (const ts of stamps) expect(ts).toMatch(/^\d+\.\d{6}$/);
  });

  it('shows buttons numbered, images and blocks it does not know instead of dropping them', async () => {
    // Prepare
    const out = sink();
    const chat = new ConsoleChat({ out });

    // Act
    await chat.post({
      channel: 'C01',
      text: 'idle',
      blocks: [
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Keep alive' } }] },
        { type: 'image', image_url: 'https://example.com/x.png', alt_text: 'GPU graph' },
        { type: 'rich_text', elements: [] },
      ],
    });

    // Assess
    expect(out.text()).toContain(')\n[1: Keep alive]\n[image: GPU graph]\n[rich_text block]\n');
    expect(chat.buttons).toEqual([
      expect.objectContaining({ label: 'Keep alive', message: expect.objectContaining({ channel: 'C01' }) }),
    ]);
  });

  it('shows Slack markup in terminal colours on a terminal, and writes no escape codes off one', () => {
    // Prepare
    const line = '<@U9> see *this* and `kismo ls`, <https://example.com|the docs> &amp; &lt;more&gt;';

    // Act
    const plain = readable(line, { members: {}, ansi: false });
    const coloured = readable(line, { members: { U9: 'bo' }, ansi: true });

    // Assess
    expect(plain).toBe('@U9 see this and `kismo ls`, the docs (https://example.com) & <more>');
    expect(plain.includes('\x1b')).toBe(false);
    expect(coloured).toBe(
      '@bo see \x1b[1mthis\x1b[22m and \x1b[36mkismo ls\x1b[39m, the docs (https://example.com) & <more>',
    );
  });
});
