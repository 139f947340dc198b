import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BusEntry } from '../../../../services/kit/ports/bus';
import { eventBridgeBus } from '../../../../services/kit/ports/bus';

const eventBridge = mockClient(EventBridgeClient);
const bus = eventBridgeBus(new EventBridgeClient({ region: 'eu-west-1' }), 'kismo');

const entry = (sessionId: string): BusEntry => ({
  Source: 'kismo',
  DetailType: 'Instance Ready',
  Detail: JSON.stringify({ version: 1, sessionId, owner: 'ana' }),
});

describe('eventBridgeBus', () => {
  beforeEach(() => {
    eventBridge.reset();
  });

  it('puts every entry on the kismo bus and returns the results in order', async () => {
    // Prepare
    const time = new Date('2025-01-06T10:00:00Z');
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'e1' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }],
    });

    // Act
    const results = await bus.putEvents([
      { ...entry('s1'), Resources: ['arn:aws:ec2:eu-west-1:1:instance/i-1'], Time: time },
      entry('s2'),
    ]);

    // Assess
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Entries: [
        {
          EventBusName: 'kismo',
          Source: 'kismo',
          DetailType: 'Instance Ready',
          Detail: '{"version":1,"sessionId":"s1","owner":"ana"}',
          Resources: ['arn:aws:ec2:eu-west-1:1:instance/i-1'],
          Time: time,
        },
        {
          EventBusName: 'kismo',
          Source: 'kismo',
          DetailType: 'Instance Ready',
          Detail: '{"version":1,"sessionId":"s2","owner":"ana"}',
        },
      ],
    });
    expect(results).toEqual([
      { EventId: 'e1' },
      { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
    ]);
  });

  it('marks entries EventBridge did not answer for as MissingResult, so they are retried', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ Entries: [{ EventId: 'e1' }] });

    // Act
    const results = await bus.putEvents([entry('s1'), entry('s2'), entry('s3')]);

    // Assess
    expect(results).toHaveLength(3);
    expect(results[0]).toEqual({ EventId: 'e1' });
    expect(results.slice(1).map((r) => r.ErrorCode)).toEqual(['MissingResult', 'MissingResult']);
  });

  it('makes no call for no entries', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ Entries: [] });

    // Act
    const results = await bus.putEvents([]);

    // Assess
    expect(results).toEqual([]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
