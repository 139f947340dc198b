import { describe, expect, it } from 'vitest';
import type { Instance } from '../../../services/kit/ports';
import { reachOf } from '../../../services/readiness-watcher/connect';

const instance: Instance = {
  instanceId: 'i-0abc12345def67890',
  instanceType: 'p3.2xlarge',
  state: 'running',
  availabilityZone: 'us-east-1a',
  privateIp: '10.0.1.17',
  publicIp: '54.1.2.3',
  launchedAt: '2026-11-30T01:00:00Z',
  tags: {},
};

describe('reachOf', () => {
  it('gives the private address and an SSM command by default (no inbound port needed)', () => {
    // Act
    const reach = reachOf(instance);

    // Assess
    expect(reach).toEqual({
      address: '10.0.1.17',
      connect: 'aws ssm start-session --target i-0abc12345def67890',
    });
  });

  it('gives an ssh command to the public address when SSH is configured', () => {
    // Act
    const reach = reachOf(instance, { sshUser: 'ubuntu' });

    // Assess
    expect(reach.connect).toBe('ssh ubuntu@54.1.2.3');
  });
});
