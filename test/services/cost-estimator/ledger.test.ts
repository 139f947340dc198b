import { describe, expect, it } from 'vitest';
import { accrued, saved } from '../../../contracts/cost-ledger';
import { opened, restarted, stopped } from '../../../services/cost-estimator/ledger';

const P3 = 3.06;
const at = (iso: string) => new Date(iso);

describe('a session’s costs, by hand', () => {
  it('saves 14 × the hourly price for an instance stopped 14 hours at night', () => {
    // Prepare: launched Monday 09:00, stopped 19:00, started again Tuesday 09:00 (JST as UTC+9)
    let ledger = opened('2026-11-30T00:00:00Z', P3, 0);
    ledger = stopped(ledger, at('2026-11-30T10:00:00Z'), { idle: true });
    ledger = restarted(ledger, at('2026-12-01T00:00:00Z'));

    // Act
    const withStop = accrued(ledger, at('2026-12-01T10:00:00Z')).compute;
    const savings = saved(ledger, at('2026-12-01T10:00:00Z'));
    const allNight = accrued(opened('2026-11-30T00:00:00Z', P3, 0), at('2026-12-01T10:00:00Z')).compute;

    // Assess
    expect(withStop).toBeCloseTo(20 * P3, 10);
    expect(allNight - withStop).toBeCloseTo(14 * P3, 10);
    expect(savings.hours).toBeCloseTo(14, 10);
    expect(savings.dollars).toBeCloseTo(14 * P3, 10);
  });

  it('charges a stopped 500 GiB gp3 volume its monthly price pro rata', () => {
    // Prepare: $40 a month (500 GiB × $0.08), stopped from the first hour, for 73 hours
    let ledger = opened('2026-11-30T00:00:00Z', P3, 40);
    ledger = stopped(ledger, at('2026-11-30T01:00:00Z'));

    // Act
    const cost = accrued(ledger, at('2026-12-03T01:00:00Z'));

    // Assess
    expect(cost.compute).toBeCloseTo(P3, 10);
    expect(cost.volume).toBeCloseTo((73 / 730) * 40, 10);
    expect(cost.total).toBeCloseTo(P3 + 4, 10);
  });

  it('accrues nothing after the instance is terminated', () => {
    // Prepare
    const ledger = stopped(opened('2026-11-30T00:00:00Z', 1, 73), at('2026-11-30T10:00:00Z'), {
      terminated: true,
    });

    // Act
    const later = accrued(restarted(ledger, at('2026-12-01T00:00:00Z')), at('2026-12-31T00:00:00Z'));

    // Assess
    expect(later.compute).toBeCloseTo(10, 10);
    expect(later.volume).toBeCloseTo(1, 10);
  });
});
