import type { Bus } from './bus';
import type { Chat } from './chat';
import type { Clock } from './clock';
import type { Compute } from './compute';
import type { Objects } from './objects';

export type { Bus, BusEntry, BusEntryResult } from './bus';
export type { Chat, ChatMessage } from './chat';
export type { Clock } from './clock';
export { systemClock } from './clock';
export type { Compute, Instance, InstanceFilter, InstanceState, LaunchSpec } from './compute';
export { InsufficientCapacityError, TAGS } from './compute';
export type { ObjectSummary, Objects, PutOptions, StoredObject } from './objects';
export { getJson, PreconditionFailedError } from './objects';

/** Everything a service's logic may touch outside itself. */
export interface Ports {
  readonly objects: Objects;
  readonly compute: Compute;
  readonly bus: Bus;
  readonly chat: Chat;
  readonly clock: Clock;
}
