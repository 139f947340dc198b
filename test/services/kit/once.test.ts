import { describe, expect, it } from 'vitest';
import { ClaimedElsewhereError, once } from '../../../services/kit/once';
import { MemoryObjects } from '../../support/memory-ports';

describe('once', () => {
  it('runs the work once however often it is asked', async () => {
    // Prepare
    const objects = new MemoryObjects();
    let runs = 0;
    const work = async () => {
      runs++;
    };

    // Act
    const results = [
      await once(objects, 'k', work),
      await once(objects, 'k', work),
      await once(objects, 'k', work),
    ];

    // Assess
    expect(results).toEqual([true, false, false]);
    expect(runs).toBe(1);
  });

  it('releases the claim when the work fails, so the redelivery tries again', async () => {
    // Prepare
    const objects = new MemoryObjects();
    let attempts = 0;
    const flaky = async () => {
      attempts++;
      if (attempts === 1) throw new Error('Slack is down');
    };

    // Act
    await expect(once(objects, 'k', flaky)).rejects.toThrow('Slack is down');
    const second = await once(objects, 'k', flaky);

    // Assess
    expect(second).toBe(true);
    expect(attempts).toBe(2);
  });

  it('tells a concurrent delivery to come back later, and takes over a claim whose owner died', async () => {
    // Prepare
    const objects = new MemoryObjects();
    let now = new Date('2026-11-30T01:00:00Z');
    await objects.put('kismo/claims/k', JSON.stringify({ state: 'running', at: now.toISOString() }));

    // Act + Assess: fresh claim → come back later.
    await expect(once(objects, 'k', async () => {}, { now: () => now })).rejects.toThrow(
      ClaimedElsewhereError,
    );

    // Act + Assess: 20 minutes later the claim is stale → taken over.
    now = new Date('2026-11-30T01:20:00Z');
    expect(await once(objects, 'k', async () => {}, { now: () => now })).toBe(true);
    expect(JSON.parse(objects.text('kismo/claims/k') ?? '{}').state).toBe('done');
  });
});
