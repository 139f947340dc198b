import { describe, expect, it } from 'vitest';
import {
  instanceBootFailed,
  instanceIdle,
  instanceReady,
  launchFailed,
  workFinished,
} from '../../../contracts/catalog';
import { TAGS } from '../../../services/kit/ports';
import {
  alarmChanged,
  bootFailed,
  failedLaunch,
  finished,
  idle,
  kismoEnvelope,
  OWNER,
  ready,
  SESSION_ID,
} from '../../factories/kismo-events';
import { RecordingChat } from '../../support/local-cloud';
import { notifierSetup } from './notifier-setup';

describe('notifier', () => {
  it('posts Ready with the type, address, connect command, boot and data time, price, and a mention', async () => {
    // Prepare
    const chat = new RecordingChat();
    const n = notifierSetup(chat);

    // Act
    await n.deliver(kismoEnvelope(instanceReady, ready()));

    // Assess
    const [message] = chat.messages;
    expect(chat.messages).toHaveLength(1);
    expect(message?.channel).toBe('#gpu');
    expect(message?.threadTs).toBeUndefined();
    expect(message?.text).toContain('<@U0ADA>');
    const blocks = JSON.stringify(message?.blocks);
    for (const shown of [
      'p3.2xlarge',
      '10.0.1.17',
      '$3.06/h',
      '1 min 14 s',
      '12.5 s',
      'aws ssm start-session --target',
    ]) {
      expect(blocks).toContain(shown);
    }
    expect(message?.blocks?.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'context',
      'actions',
    ]);
    const [terminate] = (message?.blocks?.at(-1)?.elements ?? []) as Record<string, unknown>[];
    expect(terminate).toMatchObject({
      action_id: 'kismo:terminate',
      value: `${ready().owner}/${ready().sessionId}`,
      confirm: expect.objectContaining({ style: 'danger' }),
    });
  });

  it('puts buttons on the idle mention and on the will-stop warning, each for its moment', async () => {
    // Prepare
    const chat = new RecordingChat();
    const n = notifierSetup(chat);
    const buttons = (i: number) =>
      (
        (chat.messages[i]?.blocks?.at(-1)?.elements ?? []) as { action_id: string; text: { text: string } }[]
      ).map((b) => `${b.action_id} ${b.text.text}`);

    // Act
    await n.deliver(
      kismoEnvelope(instanceIdle, idle({ sessionId: SESSION_ID, action: 'mention', strike: 0 })),
    );
    await n.deliver(
      kismoEnvelope(instanceIdle, idle({ sessionId: SESSION_ID, action: 'will-stop', strike: 1 })),
    );

    // Assess
    expect(buttons(0)).toEqual([
      'kismo:stop Stop now',
      'kismo:keep-today Keep until 19:00',
      'kismo:keep-2h Keep 2 h',
    ]);
    expect(buttons(1)).toEqual([
      'kismo:keep-overnight Keep until 09:00',
      'kismo:keep-2h Keep 2 h',
      'kismo:stop Stop now',
    ]);
  });

  it('keeps one thread per session: later messages reply to the first', async () => {
    // Prepare
    const chat = new RecordingChat();
    const n = notifierSetup(chat);

    // Act
    await n.deliver(kismoEnvelope(instanceReady, ready()));
    await n.deliver(kismoEnvelope(workFinished, finished()));
    await n.deliver(
      kismoEnvelope(
        instanceReady,
        ready({ sessionId: '20261130-020000-second', instanceId: 'i-0fff12345def67890' }),
      ),
    );

    // Assess
    const [first, reply, otherSession] = chat.messages;
    expect(reply?.threadTs).toBe('1764340000.000001');
    expect(first?.threadTs).toBeUndefined();
    expect(otherSession?.threadTs).toBeUndefined();
    expect(n.ports.objects.text(`kismo/notifier/threads/${SESSION_ID}.json`)).toContain(
      '"ts":"1764340000.000001"',
    );
  });

  it('posts an event once even when a producer publishes it again (a new envelope id)', async () => {
    // Prepare
    const chat = new RecordingChat();
    const n = notifierSetup(chat);

    // Act
    await n.deliver(kismoEnvelope(instanceReady, ready()));
    await n.deliver(kismoEnvelope(instanceReady, ready()));

    // Assess
    expect(chat.messages).toHaveLength(1);
  });

  it('opens one thread when two first messages of a session are handled at once', async () => {
    // Prepare
    const chat = new RecordingChat();
    const n = notifierSetup(chat);
    const readyEvent = kismoEnvelope(instanceReady, ready());
    const finishedEvent = kismoEnvelope(workFinished, finished());

    // Act: side by side; the loser is retried, as SQS would after its visibility timeout
    const results = await Promise.allSettled([n.deliver(readyEvent), n.deliver(finishedEvent)]);
    const lost = results.findIndex((r) => r.status === 'rejected');
    await n.deliver(lost === 0 ? readyEvent : finishedEvent);

    // Assess
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(chat.messages).toHaveLength(2);
    expect(chat.messages.filter((m) => m.threadTs === undefined)).toHaveLength(1);
    expect(chat.messages[1]?.threadTs).toBe('1764340000.000001');
  });

  it.each([
    [
      'uploaded outputs: pull them',
      { outputsPrefix: 'users/ada/sessions/x/outputs/', outputsUploaded: true },
      /kismo pull/,
    ],
    [
      'no outputs folder: nothing to pull, and no alarm',
      {},
      /made no outputs folder, so there is nothing to pull; the instance terminates now/,
    ],
    [
      'outputs that failed to upload: the instance stays',
      { outputsPrefix: 'users/ada/sessions/x/outputs/', outputsUploaded: false },
      /could not be uploaded\. The instance stays up/,
    ],
  ])('tells what became of the outputs when work finished: %s', async (_case, outputs, said) => {
    // Prepare
    const chat = new RecordingChat();
    const n = notifierSetup(chat);
    const { outputsPrefix: _p, outputsUploaded: _u, ...rest } = finished();

    // Act
    await n.deliver(kismoEnvelope(workFinished, { ...rest, afterRun: 'terminate', ...outputs }));

    // Assess
    expect(JSON.stringify(chat.messages[0]?.blocks)).toMatch(said);
  });

  it('names an owner without a Slack id in bold instead of mentioning', async () => {
    // Prepare
    const chat = new RecordingChat();
    const n = notifierSetup(chat);

    // Act
    await n.deliver(kismoEnvelope(instanceReady, ready({ owner: 'bob' })));

    // Assess
    expect(chat.messages[0]?.text).toContain('*bob*');
    expect(JSON.stringify(chat.messages)).not.toContain('<@');
  });

  it('tells the owner how busy an idle instance was: its busiest signal against its threshold', async () => {
    // Prepare
    const chat = new RecordingChat();
    const n = notifierSetup(chat);

    // Act
    await n.deliver(kismoEnvelope(instanceIdle, idle({ sessionId: SESSION_ID, readings: { activity: 12 } })));
    await n.deliver(
      kismoEnvelope(
        instanceIdle,
        idle({
          sessionId: SESSION_ID,
          readings: { activity: 4.5 },
          action: 'will-stop',
          businessHours: false,
          strike: 1,
        }),
        { time: '2026-11-30T11:00:00Z' },
      ),
    );

    // Assess
    expect(chat.messages.map((m) => m.text)).toEqual([
      `<@U0ADA> your instance has been idle for 60 minutes — its busiest signal peaked at 12% of its idle threshold. Stop it with \`kismo stop ${SESSION_ID}\`, or keep it with \`kismo keep ${SESSION_ID} --until 19:00\`.`,
      `*${OWNER}*'s instance is idle outside business hours — its busiest signal peaked at 4.5% of its idle threshold — strike 1: it stops at the next idle reading unless it is used or kept (\`kismo keep ${SESSION_ID} --until 09:00\`).`,
    ]);
  });

  it('says why a launch failed and what to do', async () => {
    // Prepare
    const chat = new RecordingChat();
    const n = notifierSetup(chat);

    // Act
    await n.deliver(kismoEnvelope(launchFailed, failedLaunch()));

    // Assess
    const blocks = JSON.stringify(chat.messages[0]?.blocks);
    expect(blocks).toContain('quota-exceeded');
    expect(blocks).toContain('What to do');
    expect(blocks).toContain('kismo down SESSION');
  });

  it('shows the newest part of a boot log in a code block that nothing inside can close', async () => {
    // Prepare
    const chat = new RecordingChat();
    const n = notifierSetup(chat);
    const logTail = `${'x'.repeat(6000)}\n\`\`\` <script> & done`;

    // Act
    await n.deliver(kismoEnvelope(instanceBootFailed, bootFailed({ reason: 'timeout', logTail })));

    // Assess
    const code = chat.messages[0]?.blocks
      ?.map((b) => (b.text as { text?: string } | undefined)?.text ?? '')
      .find((t) => t.includes('Log tail'));
    expect(code?.length).toBeLessThan(3000);
    expect(code).toMatch(/''' &lt;script&gt; &amp; done```$/);
    expect(code?.match(/```/g)).toHaveLength(2);
  });

  it('finds the session of an instance-only event from the instance’s tag, and posts in its thread', async () => {
    // Prepare
    const chat = new RecordingChat();
    const n = notifierSetup(chat);
    const instance = await n.ec2.launch({
      clientToken: SESSION_ID,
      instanceType: 'p3.2xlarge',
      userData: '',
      tags: { [TAGS.managed]: 'true', [TAGS.owner]: OWNER, [TAGS.session]: SESSION_ID },
    });
    await n.deliver(kismoEnvelope(instanceReady, ready({ instanceId: instance.instanceId })));

    // Act
    await n.deliver(kismoEnvelope(instanceIdle, idle({ instanceId: instance.instanceId })));

    // Assess
    expect(chat.messages[1]?.threadTs).toBe(chat.messages[0] && '1764340000.000001');
    expect(chat.messages[1]?.text).toContain('<@U0ADA>');
    expect(chat.messages[1]?.text).toContain(`kismo stop ${SESSION_ID}`);
  });

  it('posts alarm state changes to the operators’ channel, outside any thread', async () => {
    // Prepare
    const chat = new RecordingChat();
    const n = notifierSetup(chat);

    // Act
    await n.deliver(alarmChanged({ alarmName: 'kismo-launcher-dead-letters' }));

    // Assess
    expect(chat.messages).toEqual([
      expect.objectContaining({
        channel: '#gpu-ops',
        text: expect.stringContaining('kismo-launcher-dead-letters is ALARM'),
      }),
    ]);
    expect(chat.messages[0]?.threadTs).toBeUndefined();
  });
});
