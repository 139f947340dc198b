import { describe, expect, it } from 'vitest';
import { formatHourly, hourlyPrice, monthlyVolumePrice, PRICED_REGIONS } from '../../contracts/prices';

describe('prices, by region', () => {
  it('quote the dated table of the deployment’s region', () => {
    expect(hourlyPrice('p3.2xlarge', 'us-east-1')).toBe(3.06);
    expect(formatHourly('g4dn.xlarge', 'us-east-1')).toBe('$0.526/h');
    expect(monthlyVolumePrice(500, 'us-east-1')).toBe(40);
  });

  it('never quote another region’s price: a region without a table says so', () => {
    expect(PRICED_REGIONS).not.toContain('eu-west-1');
    expect(hourlyPrice('p3.2xlarge', 'eu-west-1')).toBeUndefined();
    expect(formatHourly('p3.2xlarge', 'eu-west-1')).toBe('price unknown in eu-west-1');
    expect(monthlyVolumePrice(500, 'eu-west-1')).toBeUndefined();
  });

  it('call a type the table lacks unknown', () => {
    expect(formatHourly('x9.huge', 'us-east-1')).toBe('unknown');
  });
});
