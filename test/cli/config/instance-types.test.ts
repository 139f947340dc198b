import { describe, expect, it } from 'vitest';
import { checkInstanceType } from '../../../cli/config/instance-types';

const ALLOWED = ['g4dn.xlarge', 'g5.xlarge', 'g5.2xlarge', 'p3.2xlarge'];

describe('checking an instance type as people type it', () => {
  it.each([
    ['p3.2xlarge', 'p3.2xlarge'],
    ['P3.2XLARGE', 'p3.2xlarge'],
    [' G5.xlarge ', 'g5.xlarge'],
  ])('takes %j as %s', (typed, expected) => {
    expect(checkInstanceType(typed, ALLOWED, 'us-east-1')).toBe(expected);
  });

  it.each([
    ['p3.2xlarg', 'p3.2xlarge'],
    ['g4dn.xlage', 'g4dn.xlarge'],
    ['G5.2XLRGE', 'g5.2xlarge'],
  ])('suggests the allowed type %s is a typo of', (typed, suggested) => {
    expect(() => checkInstanceType(typed, ALLOWED, 'us-east-1')).toThrow(
      expect.objectContaining({
        code: 'INSTANCE_TYPE_NOT_ALLOWED',
        message: expect.stringContaining(`did you mean ${suggested} (`),
      }),
    );
  });

  it('suggests nothing when two allowed types are as near, or none is near', () => {
    // g5.3xlarge is one edit from both g5.xlarge… and g5.2xlarge: no guess.
    expect(() => checkInstanceType('g5.3xlarge', ALLOWED, 'us-east-1')).toThrow(
      /not allowed here: pick one of/,
    );
    expect(() => checkInstanceType('p5.48xlarge', ALLOWED, 'us-east-1')).toThrow(
      /INSTANCE_TYPE_NOT_ALLOWED|not allowed here: pick one of .*ask an administrator/,
    );
    expect(() => checkInstanceType('biggest-gpu', ALLOWED, 'us-east-1')).toThrow(/is not an instance type/);
  });
});
