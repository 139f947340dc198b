import { describe, expect, it } from 'vitest';
import { foldState } from '../../../services/session-journal/fold-state';

const fold = (...types: string[]) => foldState(types.map((detailType) => ({ detailType })));

describe('foldState', () => {
  it('follows the events in the order they happened', () => {
    // Act
    const result = fold('Instance Launched', 'Instance Ready', 'Instance Stopped', 'Instance Restarted');

    // Assess
    expect(result).toEqual({ state: 'ready', by: 3 });
  });

  it('never lets Instance Launched undo a later state, nor anything undo terminated', () => {
    // Act
    const late = fold('Instance Ready', 'Instance Launched');
    const gone = fold('Instance Terminated', 'Instance Restarted', 'Instance Ready');

    // Assess
    expect(late).toEqual({ state: 'ready', by: 0 });
    expect(gone).toEqual({ state: 'terminated', by: 0 });
  });

  it('lets a slow boot that passed its deadline become ready, but not a finished run', () => {
    // Act
    const slow = fold('Instance Launched', 'Instance Boot Failed', 'Instance Ready');
    const ran = fold('Instance Launched', 'Work Finished', 'Instance Ready');

    // Assess
    expect(slow.state).toBe('ready');
    expect(ran.state).toBe('finished');
  });

  it('leaves a session that only saw idle and cost events launching, decided by none', () => {
    // Act
    const result = fold('Instance Idle', 'Cost Estimated');

    // Assess
    expect(result).toEqual({ state: 'launching', by: -1 });
  });
});

describe('foldState and what EC2 reports', () => {
  it('moves on EC2’s stop and termination whoever made them, and on running only after a stop', () => {
    // Act + Assess
    expect(fold('Instance Launched', 'EC2 Instance Running', 'Instance Ready').state).toBe('ready');
    expect(fold('EC2 Instance Running').state).toBe('launching');
    expect(fold('Instance Ready', 'Work Finished', 'EC2 Instance Terminated').state).toBe('terminated');
    expect(fold('Instance Ready', 'EC2 Instance Stopped').state).toBe('stopped');
    expect(fold('Instance Ready', 'EC2 Instance Stopped', 'EC2 Instance Running').state).toBe('ready');
    expect(fold('Instance Ready', 'EC2 Instance Terminated', 'EC2 Instance Running').state).toBe(
      'terminated',
    );
  });
});
