import type { SessionStatus } from '../../contracts/session-status';
import { foldState, proposedState } from './fold-state';
import type { JournalChange, TimelineEntry } from './journal-change';

/** Enough history to read; beyond it the oldest recurring entries (idle, cost, stop/start) go first. */
export const MAX_TIMELINE = 200;

/** Events a session has at most one of: a second one is the same fact published again. */
const ONE_PER_SESSION = new Set([
  'Instance Launched',
  'Launch Failed',
  'Instance Ready',
  'Instance Boot Failed',
  'Work Finished',
  'Instance Terminated',
]);

/**
 * The status after one event, or `undefined` when the event is already in it (the same event id,
 * or a second one of an event a session has only once). The state is folded from the whole
 * timeline, so the order events arrive in does not matter, only the order they happened in.
 */
export function applyChange(
  current: SessionStatus | undefined,
  change: JournalChange & { sessionId: string },
  now: Date,
): SessionStatus | undefined {
  const timeline = current?.timeline ?? [];
  const type = change.entry.detailType;
  const seen = timeline.some(
    (e) => e.eventId === change.entry.eventId || (ONE_PER_SESSION.has(type) && e.detailType === type),
  );
  if (seen) return undefined;

  const next = insertInOrder(timeline, change.entry);
  const { state, by } = foldState(next);
  const decided = next[by] === change.entry;
  const status: SessionStatus = {
    ...(current ?? { schemaVersion: 1, owner: change.owner, sessionId: change.sessionId }),
    ...change.facts,
    state,
    updatedAt: now.toISOString(),
    timeline: trim(next),
  };
  if (decided) {
    const reason = proposedState(type) === 'ready' || state === 'launching' ? undefined : change.reason;
    if (reason) status.reason = reason;
    else delete status.reason;
  }
  return status;
}

/** After every entry that happened at the same time or earlier: ties keep the order of arrival. */
function insertInOrder(timeline: readonly TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  const at = Date.parse(entry.at);
  let index = timeline.length;
  while (index > 0 && Date.parse(timeline[index - 1]?.at ?? '') > at) index--;
  return [...timeline.slice(0, index), entry, ...timeline.slice(index)];
}

function trim(timeline: TimelineEntry[]): TimelineEntry[] {
  const kept = [...timeline];
  while (kept.length > MAX_TIMELINE) {
    const oldest = kept.findIndex((e) => !ONE_PER_SESSION.has(e.detailType));
    if (oldest < 0) break;
    kept.splice(oldest, 1);
  }
  return kept;
}
