import { describe, expect, it, vi } from 'vitest';
import { instanceReady } from '../../contracts/catalog';
import { batches, createPublisher, MAX_BYTES_PER_CALL, PublishError } from '../../contracts/publish';
import type { Bus, BusEntry, BusEntryResult } from '../../services/kit/ports/bus';
import { instanceReadyDetail } from '../factories/events';

/** A bus that records each call and answers with what the test decides. */
function recordingBus(answer: (entries: readonly BusEntry[], call: number) => BusEntryResult[] | Error) {
  const calls: BusEntry[][] = [];
  const bus: Bus = {
    putEvents: async (entries) => {
      calls.push([...entries]);
      const result = answer(entries, calls.length);
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return { bus, calls };
}

const ok = (entries: readonly BusEntry[]) => entries.map((_, i) => ({ EventId: `e${i}` }));
const noSleep = async () => {};

describe('publish', () => {
  it('splits 25 entries into 3 calls of at most 10', async () => {
    // Prepare
    const { bus, calls } = recordingBus(ok);
    const publisher = createPublisher({ bus, sleep: noSleep });
    const items = Array.from({ length: 25 }, (_, i) => ({
      contract: instanceReady,
      detail: instanceReadyDetail({ bootSeconds: i }),
    }));

    // Act
    await publisher.publishAll(items);

    // Assess
    expect(calls.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(calls.flat().map((e) => JSON.parse(e.Detail).bootSeconds)).toEqual(items.map((_, i) => i));
    expect(calls[0]?.[0]).toMatchObject({ Source: 'kismo', DetailType: 'Instance Ready' });
    expect(JSON.parse(calls[0]?.[0]?.Detail ?? '{}').version).toBe(1);
  });

  it('retries only the entry that failed, with backoff', async () => {
    // Prepare
    const sleep = vi.fn(noSleep);
    const { bus, calls } = recordingBus((entries, call) =>
      entries.map((_, i) =>
        call === 1 && i === 1
          ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }
          : { EventId: 'x' },
      ),
    );
    const publisher = createPublisher({ bus, sleep });

    // Act
    await publisher.publishAll(
      [0, 1, 2].map((i) => ({ contract: instanceReady, detail: instanceReadyDetail({ bootSeconds: i }) })),
    );

    // Assess
    expect(calls.map((c) => c.length)).toEqual([3, 1]);
    expect(JSON.parse(calls[1]?.[0]?.Detail ?? '{}').bootSeconds).toBe(1);
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('retries a whole call that threw (throttled, unreachable)', async () => {
    // Prepare
    const { bus, calls } = recordingBus((entries, call) =>
      call === 1 ? new Error('socket hang up') : ok(entries),
    );
    const publisher = createPublisher({ bus, sleep: noSleep });

    // Act
    await publisher.publish(instanceReady, instanceReadyDetail());

    // Assess
    expect(calls).toHaveLength(2);
  });

  it('fails loudly, listing every entry that never went through', async () => {
    // Prepare
    const { bus, calls } = recordingBus((entries) =>
      entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'boom' })),
    );
    const publisher = createPublisher({ bus, retries: 2, sleep: noSleep });

    // Act
    const failure = publisher.publishAll([
      { contract: instanceReady, detail: instanceReadyDetail() },
      { contract: instanceReady, detail: instanceReadyDetail({ bootSeconds: 2 }) },
    ]);

    // Assess
    await expect(failure).rejects.toThrow(PublishError);
    await expect(failure).rejects.toMatchObject({
      failed: [{ errorCode: 'InternalFailure' }, { errorCode: 'InternalFailure' }],
    });
    expect(calls).toHaveLength(3);
  });

  it('refuses a detail that breaks its contract before sending anything', async () => {
    // Prepare
    const { bus, calls } = recordingBus(ok);
    const publisher = createPublisher({ bus, sleep: noSleep });

    // Act
    const failure = publisher.publish(instanceReady, instanceReadyDetail({ instanceId: 'not-an-id' }));

    // Assess
    await expect(failure).rejects.toThrow(/detail\.instanceId/);
    expect(calls).toHaveLength(0);
  });

  it('keeps each call under 256 KB', () => {
    // Prepare: 10 entries of 100 KB each.
    const big = (i: number): BusEntry => ({
      Source: 'kismo',
      DetailType: 'Instance Ready',
      Detail: JSON.stringify({ i, pad: 'x'.repeat(100_000) }),
    });

    // Act
    const split = batches(Array.from({ length: 10 }, (_, i) => big(i)));

    // Assess
    expect(split.map((b) => b.length)).toEqual([2, 2, 2, 2, 2]);
    for (const batch of split) {
      expect(batch.reduce((sum, e) => sum + Buffer.byteLength(e.Detail), 0)).toBeLessThanOrEqual(
        MAX_BYTES_PER_CALL,
      );
    }
  });
});
