/** One PutEvents entry (the same fields EventBridge takes). */
export interface BusEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly Resources?: readonly string[];
  readonly Time?: Date;
}

export interface BusEntryResult {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

/** The event bus: one PutEvents call, at most 10 entries. `publish` builds batching and retries on it. */
export interface Bus {
  putEvents(entries: readonly BusEntry[]): Promise<readonly BusEntryResult[]>;
}
