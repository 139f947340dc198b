import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { manifestCreated } from '../../../contracts/aws/s3-object-created';
import { SCHEDULER_SOURCE } from '../../../contracts/aws/scheduled-event';
import { instanceLaunched, instanceReady } from '../../../contracts/catalog';
import { parseConfig } from '../../../services/kit/config';
import { defineService, scheduledOnly } from '../../../services/kit/define-service';
import { createHandler } from '../../../services/kit/lambda';
import { logger } from '../../../services/kit/logger';
import {
  envelope,
  instanceReadyDetail,
  manifestKey,
  OWNER,
  objectCreated,
  SESSION_ID,
} from '../../factories/events';
import { memoryPorts } from '../../support/memory-ports';

const config = parseConfig({ bucket: 'kismo-test' });
const context = {
  functionName: 'kismo-test',
  awsRequestId: 'r-1',
  getRemainingTimeInMillis: () => 30_000,
} as Context;

function record(body: unknown, messageId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '1',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:kismo-test',
    awsRegion: 'us-east-1',
  };
}

/** Captures the service logs (JSON lines) while a test raises the level. */
function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  logger.setLogLevel('INFO');
  return {
    lines,
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

describe('the Lambda handler of a service its schedule invokes directly', () => {
  const ticks: string[] = [];
  const scheduled = defineService({
    name: 'test-ticker',
    description: 'records its ticks; fails on one',
    consumes: [],
    emits: [],
    schedule: { expression: 'cron(10 * * * ? *)' },
    capabilities: {},
    idempotent: true,
    async handle(event) {
      if (event.name !== 'Scheduled Event') return;
      if (event.detail.scheduledTime.startsWith('2026-11-30T13')) throw new Error('failing on purpose');
      ticks.push(event.detail.scheduledTime);
    },
  });
  const handler = createHandler(scheduled, { ports: () => memoryPorts(), config: () => config });
  const tick = (scheduledTime: string) =>
    envelope(SCHEDULER_SOURCE, 'Scheduled Event', { service: 'test-ticker', scheduledTime });

  it('is scheduled only: no events to consume, so no queue', () => {
    // Assess
    expect(scheduledOnly(scheduled)).toBe(true);
    expect(scheduledOnly({ consumes: [instanceReady], schedule: { expression: 'rate(1 hour)' } })).toBe(
      false,
    );
  });

  it('handles the one tick it is given, and throws when it fails so Lambda retries it, then dead-letters it', async () => {
    // Act
    const done = await handler(tick('2026-11-30T12:10:00Z'), context);
    const failed = handler(tick('2026-11-30T13:10:00Z'), context);

    // Assess
    expect(done).toBeUndefined();
    expect(ticks).toEqual(['2026-11-30T12:10:00Z']);
    await expect(failed).rejects.toThrow('failing on purpose');
  });

  it('refuses what is not an EventBridge-shaped tick', async () => {
    // Act + Assess
    await expect(handler({ hello: 'world' } as never, context)).rejects.toThrow(
      'the message is not an EventBridge event',
    );
  });
});

describe('the Lambda handler of a service', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    logger.setLogLevel('SILENT');
  });

  const seen: string[] = [];
  const service = defineService({
    name: 'test-service',
    description: 'records ready addresses; fails on poison',
    consumes: [instanceReady, manifestCreated],
    emits: [instanceLaunched],
    capabilities: {},
    idempotent: false,
    async handle(event) {
      if (event.name === 'Instance Ready v1') {
        if (event.detail.address === 'poison') throw new Error('poison on purpose');
        seen.push(event.detail.address);
      }
      if (event.name === 'Manifest Created') seen.push(event.detail.object.key);
    },
  });
  const ports = memoryPorts();
  // Loggers take their level when made: tests that read logs make their handler after raising it.
  const makeHandler = () => createHandler(service, { ports: () => ports, config: () => config });
  const handler = makeHandler();
  const ready = (address: string) =>
    envelope('kismo', 'Instance Ready', { ...instanceReadyDetail({ address }), version: 1 });

  it('reports only the failed records, so one bad record never fails its neighbours', async () => {
    // Prepare
    const event: SQSEvent = {
      Records: [
        record(ready('10.0.0.1'), 'm1'),
        record(ready('poison'), 'm2'),
        record('not json at all', 'm3'),
        record(ready('10.0.0.4'), 'm4'),
      ],
    };

    // Act
    const response = await handler(event, context);

    // Assess
    expect(response?.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }]);
    expect(seen).toEqual(['10.0.0.1', '10.0.0.4']);
  });

  it('logs each failure with its reason and the correlation keys', async () => {
    // Prepare
    const logs = captureLogs();

    // Act
    await makeHandler()({ Records: [record(ready('poison'), 'm9')] }, context);
    logs.restore();

    // Assess
    const failure = logs.lines.find((l) => l.level === 'ERROR');
    expect(failure).toMatchObject({
      service: 'test-service',
      messageId: 'm9',
      owner: OWNER,
      sessionId: SESSION_ID,
      error: { message: 'poison on purpose' },
    });
    const received = logs.lines.find((l) => l.message === 'event received');
    expect(received).toMatchObject({
      owner: OWNER,
      sessionId: SESSION_ID,
      instanceId: 'i-0abc12345def67890',
    });
  });

  it('refuses an event that breaks its contract, naming the bad field', async () => {
    // Prepare
    const logs = captureLogs();
    const bad = envelope('kismo', 'Instance Ready', {
      ...instanceReadyDetail({ bootSeconds: -3 }),
      version: 1,
    });

    // Act
    const response = await makeHandler()({ Records: [record(bad, 'm5')] }, context);
    logs.restore();

    // Assess
    expect(response?.batchItemFailures).toEqual([{ itemIdentifier: 'm5' }]);
    const failure = logs.lines.find((l) => l.level === 'ERROR') as { error: { message: string } };
    expect(failure.error.message).toMatch(/detail\.bootSeconds/);
  });

  it('refuses a message that is not an EventBridge event, saying what is wrong with it', async () => {
    // Prepare
    const logs = captureLogs();
    const { 'detail-type': _, ...headless } = ready('10.0.0.1');

    // Act
    const response = await makeHandler()(
      { Records: [record(headless as never, 'm7'), record('{ not json', 'm8')] },
      context,
    );
    logs.restore();

    // Assess
    expect(response?.batchItemFailures).toEqual([{ itemIdentifier: 'm7' }, { itemIdentifier: 'm8' }]);
    const reasons = logs.lines
      .filter((l) => l.level === 'ERROR')
      .map((l) => (l as { error: { message: string } }).error.message);
    expect(reasons).toEqual([
      expect.stringMatching(/^the message is not an EventBridge event: body\.detail-type: /),
      expect.stringMatching(/^the message is not an EventBridge event: body: not JSON/),
    ]);
  });

  it('refuses an event the service does not consume', async () => {
    // Prepare
    const foreign = envelope('kismo', 'Work Finished', { version: 1 });

    // Act
    const response = await handler({ Records: [record(foreign, 'm6')] }, context);

    // Assess
    expect(response?.batchItemFailures).toEqual([{ itemIdentifier: 'm6' }]);
  });

  it('takes the correlation keys of an S3 event from its key, and skips keys the wildcard over-matched', async () => {
    // Prepare
    const before = seen.length;
    const good = objectCreated(manifestKey());
    const overMatched = objectCreated(`users/${OWNER}/sessions/${SESSION_ID}/outputs/manifest.json`);

    // Act
    const response = await handler({ Records: [record(good, 'm7'), record(overMatched, 'm8')] }, context);

    // Assess
    expect(response?.batchItemFailures).toEqual([]);
    expect(seen.slice(before)).toEqual([manifestKey()]);
  });

  it('refuses to publish an event the service did not declare', async () => {
    // Prepare
    const sneaky = defineService({
      name: 'sneaky',
      description: 'publishes what it did not declare',
      consumes: [instanceReady],
      emits: [],
      capabilities: {},
      idempotent: false,
      async handle(_event, ctx) {
        await (ctx.publish as (c: unknown, d: unknown) => Promise<void>)(instanceLaunched, {});
      },
    });
    const sneakyHandler = createHandler(sneaky, { ports: () => ports, config: () => config });

    // Act
    const response = await sneakyHandler({ Records: [record(ready('10.0.0.9'), 'm10')] }, context);

    // Assess
    expect(response?.batchItemFailures).toEqual([{ itemIdentifier: 'm10' }]);
    expect(ports.published).toEqual([]);
  });
});

describe('defineService', () => {
  it('adds the schedule to what the service receives', () => {
    // Act
    const scheduled = defineService({
      name: 'ticker',
      description: 'ticks',
      consumes: [],
      emits: [],
      schedule: { expression: 'rate(1 hour)' },
      capabilities: {},
      idempotent: true,
      async handle() {},
    });

    // Assess
    expect(scheduled.contracts.map((c) => c.name)).toEqual(['Scheduled Event']);
    expect(scheduled).toMatchObject({ timeoutSeconds: 30, memoryMb: 256, batchSize: 10, maxReceiveCount: 5 });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ name: 'Bad_Name' }, /kebab-case/],
    [{ consumes: [] }, /would never run/],
    [{ timeoutSeconds: 901 }, /timeoutSeconds/],
  ])('refuses %o', (change, message) => {
    expect(() =>
      defineService({
        name: 'fine',
        description: 'x',
        consumes: [instanceReady],
        emits: [],
        capabilities: {},
        idempotent: true,
        async handle() {},
        ...change,
      }),
    ).toThrow(message);
  });
});
