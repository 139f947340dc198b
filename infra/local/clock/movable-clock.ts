// The local cloud's time. Tests and the demo move it forward so that an hourly schedule or a
// two-hour idle timeout happens in seconds; services only ever see it through the Clock port.
import type { Clock } from '../../../services/kit/ports/clock';

/** Options of {@link MovableClock}. */
export interface MovableClockOptions {
  /** The time the clock shows at creation. @default the wall clock */
  readonly start?: Date;
  /** A frozen clock only moves when told to. @default false */
  readonly frozen?: boolean;
  /** Monotonic milliseconds that measure real elapsed time. @default performance.now */
  readonly elapsed?: () => number;
}

/** Listens to a clock that was set or advanced; receives the new time. */
export type ClockListener = (now: Date) => void;

/**
 * A clock that runs with the wall clock from an offset, or stands still when frozen, and that can
 * be set or moved forward. Moving it runs nothing: whoever listens (the scheduler) decides that.
 */
export class MovableClock implements Clock {
  private readonly elapsed: () => number;
  private readonly listeners = new Set<ClockListener>();
  /** The time shown at the real instant `since`, or all the time while frozen. */
  private base: number;
  private since: number;
  private isFrozen: boolean;

  constructor(options: MovableClockOptions = {}) {
    this.elapsed = options.elapsed ?? (() => performance.now());
    this.base = (options.start ?? new Date()).getTime();
    this.since = this.elapsed();
    this.isFrozen = options.frozen ?? false;
  }

  /** The current time on this clock. */
  now(): Date {
    return new Date(this.nowMs());
  }

  /** True while time only moves when told. */
  get frozen(): boolean {
    return this.isFrozen;
  }

  /** Shows `date` from now on (earlier or later), then tells the listeners. */
  set(date: Date): void {
    const time = date.getTime();
    if (Number.isNaN(time)) throw new RangeError('MovableClock.set needs a valid date');
    this.base = time;
    this.since = this.elapsed();
    this.notify();
  }

  /** Moves the clock `ms` milliseconds forward, then tells the listeners. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`cannot advance by ${ms} ms; use set() to go back`);
    this.set(new Date(this.nowMs() + ms));
  }

  /** Stops the clock at the current time. */
  freeze(): void {
    this.base = this.nowMs();
    this.isFrozen = true;
  }

  /** Lets time flow again from where the clock stands. */
  resume(): void {
    if (!this.isFrozen) return;
    this.since = this.elapsed();
    this.isFrozen = false;
  }

  /** Calls `listener` after every set or advance; returns a function that stops it. */
  onChange(listener: ClockListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private nowMs(): number {
    return this.isFrozen ? this.base : this.base + (this.elapsed() - this.since);
  }

  private notify(): void {
    const now = this.now();
    for (const listener of [...this.listeners]) listener(now);
  }
}
