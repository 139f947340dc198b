import type { SessionStatus } from '../../contracts/session-status';

/** A timeline entry, as status.json keeps it. */
export type TimelineEntry = SessionStatus['timeline'][number];

/** What one event tells the journal about its session. */
export interface JournalChange {
  readonly owner: string;
  /** Absent on events that name only their instance: the journal asks EC2's tags. */
  readonly sessionId?: string;
  readonly instanceId?: string;
  readonly entry: TimelineEntry & { readonly eventId: string };
  /** Facts the event tells, recorded whatever the state (a late Instance Launched still knows the type). */
  readonly facts: Partial<Omit<SessionStatus, 'timeline' | 'state' | 'owner' | 'sessionId'>>;
  /** Why the session is where this event put it; used only when this event decides the state. */
  readonly reason?: string;
}
