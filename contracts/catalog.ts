import { alarmStateChange } from './aws/alarm-state-change';
import { ec2StateChange } from './aws/ec2-state-change';
import { manifestCreated, markerCreated, requestCreated } from './aws/s3-object-created';
import { scheduledEvent } from './aws/scheduled-event';
import { costEstimated } from './events/cost-estimated';
import { idleStrikesCleared } from './events/idle-strikes-cleared';
import { instanceBootFailed } from './events/instance-boot-failed';
import { instanceIdle } from './events/instance-idle';
import { instanceKeptAlive } from './events/instance-kept-alive';
import { instanceLaunched } from './events/instance-launched';
import { instanceReady } from './events/instance-ready';
import { instanceRestarted } from './events/instance-restarted';
import { instanceStopped } from './events/instance-stopped';
import { instanceTerminated } from './events/instance-terminated';
import { launchFailed } from './events/launch-failed';
import { workFinished } from './events/work-finished';
import type { Contract } from './kit/contract';

/** Every event kismo publishes, in the order of a session's life. */
export const kismoEvents = [
  instanceLaunched,
  launchFailed,
  instanceReady,
  instanceBootFailed,
  workFinished,
  instanceIdle,
  idleStrikesCleared,
  instanceKeptAlive,
  instanceStopped,
  instanceRestarted,
  instanceTerminated,
  costEstimated,
] as const;

/** The AWS events kismo consumes. */
export const awsEvents: readonly Contract[] = [
  manifestCreated,
  markerCreated,
  requestCreated,
  ec2StateChange,
  alarmStateChange,
  scheduledEvent('<service>'),
];

export {
  alarmStateChange,
  costEstimated,
  ec2StateChange,
  idleStrikesCleared,
  instanceBootFailed,
  instanceIdle,
  instanceKeptAlive,
  instanceLaunched,
  instanceReady,
  instanceRestarted,
  instanceStopped,
  instanceTerminated,
  launchFailed,
  manifestCreated,
  markerCreated,
  requestCreated,
  scheduledEvent,
  workFinished,
};
