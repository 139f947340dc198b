import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatHourly,
  hourlyPrice,
  monthlyVolumePrice,
  PRICE_SOURCES,
  PRICED_REGIONS,
} from '../../contracts/prices';

const cdkJson = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../cdk.json'), 'utf8')) as {
  context: { kismo: { allowedInstanceTypes: string[] } };
};

describe('prices, by region', () => {
  it('quote the dated table of the deployment’s region', () => {
    expect(hourlyPrice('p3.2xlarge', 'us-east-1')).toBe(3.06);
    expect(formatHourly('g4dn.xlarge', 'us-east-1')).toBe('$0.526/h');
    expect(monthlyVolumePrice(500, 'us-east-1')).toBe(40);
    expect(hourlyPrice('p3.2xlarge', 'eu-west-1')).toBe(3.305);
    expect(formatHourly('g4dn.xlarge', 'ap-northeast-1')).toBe('$0.710/h');
    expect(monthlyVolumePrice(500, 'ap-northeast-1')).toBeCloseTo(48, 9);
    expect(hourlyPrice('g5.xlarge', 'us-west-2')).toBe(1.006);
  });

  it('have a dated table for the regions a deployment allows, pricing every type cdk.json allows', () => {
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1']) {
      expect(PRICED_REGIONS).toContain(region);
      expect(PRICE_SOURCES[region]?.asOf, region).toMatch(/\d{4}/);
      expect(PRICE_SOURCES[region]?.source, region).toMatch(/^https:\/\//);
      expect(monthlyVolumePrice(100, region), region).toBeGreaterThan(0);
      for (const type of cdkJson.context.kismo.allowedInstanceTypes) {
        expect(hourlyPrice(type, region), `${type} in ${region}`).toBeGreaterThan(0);
      }
    }
  });

  it('never quote another region’s price: a region without a table says so, a type its table lacks is unknown', () => {
    expect(PRICED_REGIONS).not.toContain('sa-east-1');
    expect(hourlyPrice('p3.2xlarge', 'sa-east-1')).toBeUndefined();
    expect(formatHourly('p3.2xlarge', 'sa-east-1')).toBe('price unknown in sa-east-1');
    expect(monthlyVolumePrice(500, 'sa-east-1')).toBeUndefined();
    // Left out where the source predates AWS's June 2025 cut, or does not offer the type there.
    expect(formatHourly('p4d.24xlarge', 'eu-west-1')).toBe('unknown');
    expect(formatHourly('g6.xlarge', 'eu-west-1')).toBe('unknown');
    expect(hourlyPrice('p4d.24xlarge', 'us-east-1')).toBe(21.9576);
  });

  it('call a type the table lacks unknown', () => {
    expect(formatHourly('x9.huge', 'us-east-1')).toBe('unknown');
  });
});
