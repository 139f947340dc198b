import {
  alarmStateChange,
  instanceBootFailed,
  instanceIdle,
  instanceReady,
  instanceRestarted,
  instanceStopped,
  instanceTerminated,
  launchFailed,
  workFinished,
} from '../../contracts/catalog';
import type { Delivered } from '../kit/define-service';

/** The events people are told about (Instance Launched is not one: Ready follows it in seconds to minutes). */
export const notifierConsumes = [
  instanceReady,
  launchFailed,
  instanceBootFailed,
  workFinished,
  instanceIdle,
  instanceStopped,
  instanceRestarted,
  instanceTerminated,
  alarmStateChange,
] as const;

export type NotifierEvent = Delivered<(typeof notifierConsumes)[number]>;
