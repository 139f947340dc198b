import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventPattern } from '../../../contracts/kit/contract';
import { matchesPattern, validatePattern } from '../../../contracts/kit/pattern';
import type { BusEntry, BusEntryResult } from '../../../services/kit/ports/bus';

export interface Rule {
  readonly name: string;
  readonly pattern: EventPattern;
  /** Sends a matching event to the rule's target (a service's queue). */
  readonly target: (envelope: EventEnvelope) => Promise<void>;
}

export interface LocalBusOptions {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly now: () => Date;
}

type Listener = (envelope: EventEnvelope) => void;

/**
 * The local EventBridge bus: PutEvents turns entries into events, and every rule whose pattern
 * matches sends the event to its target — as EventBridge does, at least once, in no promised order.
 */
export class LocalBus {
  private readonly rules = new Map<string, Rule>();
  private readonly listeners = new Set<Listener>();

  constructor(private readonly options: LocalBusOptions) {}

  get name(): string {
    return this.options.name;
  }

  addRule(rule: Rule): void {
    validatePattern(rule.pattern);
    if (this.rules.has(rule.name)) throw new Error(`rule ${rule.name} exists already on bus ${this.name}`);
    this.rules.set(rule.name, rule);
  }

  ruleNames(): string[] {
    return [...this.rules.keys()];
  }

  /** Sees every event that reaches the bus (tests, the demo, benchmarks). */
  tap(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** EventBridge's PutEvents: one result per entry, in order; a bad entry fails alone. */
  async putEvents(entries: readonly (BusEntry & { EventBusName?: string })[]): Promise<BusEntryResult[]> {
    const results: BusEntryResult[] = [];
    for (const entry of entries) {
      const problem = this.invalid(entry);
      if (problem) {
        results.push({ ErrorCode: problem.code, ErrorMessage: problem.message });
        continue;
      }
      const envelope: EventEnvelope = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: this.options.account,
        time: isoSeconds(entry.Time ?? this.options.now()),
        region: this.options.region,
        resources: [...(entry.Resources ?? [])],
        detail: JSON.parse(entry.Detail),
      };
      await this.emit(envelope);
      results.push({ EventId: envelope.id });
    }
    return results;
  }

  /** Routes an event that is already shaped (AWS services' own events: S3, EC2, schedules). */
  async emit(envelope: EventEnvelope): Promise<void> {
    for (const listener of this.listeners) listener(envelope);
    const targets = [...this.rules.values()].filter((rule) => matchesPattern(rule.pattern, envelope));
    await Promise.all(targets.map((rule) => rule.target(envelope)));
  }

  /** Builds the envelope of an event from an AWS service, with this bus's account and region. */
  envelope(source: string, detailType: string, detail: unknown, resources: string[] = []): EventEnvelope {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source,
      account: this.options.account,
      time: isoSeconds(this.options.now()),
      region: this.options.region,
      resources,
      detail,
    };
  }

  private invalid(
    entry: BusEntry & { EventBusName?: string },
  ): { code: string; message: string } | undefined {
    const bus = entry.EventBusName;
    if (bus && bus !== this.name && !bus.endsWith(`:event-bus/${this.name}`)) {
      return {
        code: 'NotFoundException',
        message: `event bus ${bus} does not exist (the local bus is ${this.name})`,
      };
    }
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return { code: 'MalformedDetail', message: 'Source, DetailType and Detail are required' };
    }
    if (entry.Source.startsWith('aws.')) {
      return { code: 'NotAuthorizedForSourceException', message: 'sources starting with aws. are reserved' };
    }
    try {
      const detail: unknown = JSON.parse(entry.Detail);
      if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
        throw new Error('not an object');
    } catch {
      return { code: 'MalformedDetail', message: 'Detail is not a JSON object' };
    }
    return undefined;
  }
}

/** EventBridge times have second precision. */
function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
