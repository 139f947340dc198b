/**
 * Values of the `kismo:stopped-by` tag. The business-hours restarter starts only instances the idle
 * monitor stopped (IAM can hold it to that with an `ec2:ResourceTag/kismo:stopped-by` condition);
 * an owner's stop is never undone. An empty value means no kismo stop is in force.
 */
export const STOPPED_BY = {
  idleMonitor: 'idle-monitor',
  owner: 'owner',
} as const;
