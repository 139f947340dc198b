import { describe, expect, it } from 'vitest';
import { costTotals, formatHours, formatUsd, sessionCost } from '../../contracts/cost-figures';
import { activeSince, type SessionLedger } from '../../contracts/cost-ledger';
import { opened, restarted, stopped } from '../../services/cost-estimator/ledger';

const G4DN = 0.526;
const at = (iso: string) => new Date(iso);
const NOW = at('2026-12-01T01:00:00Z');

/** Ran 4 h from Monday 01:00 UTC, then was terminated. */
const ended: SessionLedger = stopped(opened('2026-11-30T01:00:00Z', G4DN, 16), at('2026-11-30T05:00:00Z'), {
  terminated: true,
});
/** Ran 10 h from Monday 01:00 UTC, then stood stopped for idleness until now (14 h). */
const idle: SessionLedger = stopped(opened('2026-11-30T01:00:00Z', G4DN, 16), at('2026-11-30T11:00:00Z'), {
  idle: true,
});

describe('a session’s figures, by hand', () => {
  it.each<[string, SessionLedger, Date, Record<string, number | boolean>]>([
    // 4 × $0.526; 4 h of a $16-a-month volume (16/730 an hour)
    [
      'ended after 4 h',
      ended,
      NOW,
      { hoursRun: 4, cost: 4 * G4DN + (4 * 16) / 730, idleHoursStopped: 0, saved: 0, stopped: false },
    ],
    // 10 × $0.526; 24 h of the volume; 14 idle hours not paid for
    [
      'stopped for idleness 14 h',
      idle,
      NOW,
      {
        hoursRun: 10,
        cost: 10 * G4DN + (24 * 16) / 730,
        idleHoursStopped: 14,
        saved: 14 * G4DN,
        stopped: true,
      },
    ],
    // Ran 10 h, stopped 14 h, ran again 2 h (to 03:00 the next day): the stop is closed, counted
    [
      'restarted after the night',
      restarted(idle, at('2026-12-01T01:00:00Z')),
      at('2026-12-01T03:00:00Z'),
      {
        hoursRun: 12,
        cost: 12 * G4DN + (26 * 16) / 730,
        idleHoursStopped: 14,
        saved: 14 * G4DN,
        stopped: false,
      },
    ],
  ])('%s', (_what, ledger, now, expected) => {
    // Act
    const figures = sessionCost(ledger, now);

    // Assess
    for (const [name, value] of Object.entries(expected)) {
      if (typeof value === 'boolean') expect(figures[name as keyof typeof figures]).toBe(value);
      else expect(figures[name as keyof typeof figures]).toBeCloseTo(value, 10);
    }
    expect(figures.volumeMonthly).toBeCloseTo(16, 10);
  });

  it('adds sessions up, and counts only stopped instances’ volumes as still costing a month', () => {
    // Act
    const total = costTotals([sessionCost(ended, NOW), sessionCost(idle, NOW)]);

    // Assess
    expect(total).toEqual({
      sessions: 2,
      hoursRun: 14,
      cost: expect.closeTo(14 * G4DN + (28 * 16) / 730, 10),
      idleHoursStopped: expect.closeTo(14, 10),
      saved: expect.closeTo(14 * G4DN, 10),
      stopped: 1,
      stoppedVolumesMonthly: expect.closeTo(16, 10),
    });
    expect([formatUsd(total.cost), formatHours(total.hoursRun), formatHours(10.04)]).toEqual([
      '$7.98',
      '14 h',
      '10 h',
    ]);
  });

  it.each<[string, SessionLedger, string, boolean]>([
    ['ended before the day', ended, '2026-12-01T00:00:00Z', false],
    ['ended on the very moment', ended, '2026-11-30T05:00:00Z', true],
    ['ended after it began', ended, '2026-11-30T00:00:00Z', true],
    ['still there (stopped), however late the day', idle, '2027-01-01T00:00:00Z', true],
  ])('counts as active since the day or not: %s', (_what, ledger, since, active) => {
    expect(activeSince(ledger, at(since))).toBe(active);
  });
});
