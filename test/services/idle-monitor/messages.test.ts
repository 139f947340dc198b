import { describe, expect, it } from 'vitest';
import { forgottenMessage } from '../../../services/idle-monitor/messages';
import { parseConfig } from '../../../services/kit/config';

const instance = {
  instanceId: 'i-0123456789abcdef0',
  owner: 'ada',
  sessionId: '20261130-010000-abcdef',
  instanceType: 'g5.xlarge',
};

describe('the forgotten-instance reminder', () => {
  it('prices the volume at the size the stack gives it', () => {
    // Act
    const message = forgottenMessage(instance, 9, parseConfig({ bucket: 'b-kismo', rootVolumeGiB: 500 }));

    // Assess
    expect(message.text).toContain('Its 500 GiB volume still costs about $40.00 a month.');
  });

  it('quotes no price in a region kismo has no table for', () => {
    // Act
    const message = forgottenMessage(
      instance,
      9,
      parseConfig({ bucket: 'b-kismo', region: 'sa-east-1', rootVolumeGiB: 500 }),
    );

    // Assess
    expect(message.text).toContain('still costs what gp3 storage costs in sa-east-1');
    expect(message.text).not.toMatch(/\$\d/);
  });
});
