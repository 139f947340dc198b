// EventBridge Scheduler for the local cloud, on the movable clock. Occurrences fire one at a time in
// time order across all jobs, and each one settles before the next, so a reading that runs at 10:00
// sees what the 09:00 reading changed even when a test jumps three hours at once.
import type { MovableClock } from './movable-clock';
import type { ScheduleExpression } from './schedule-expression';
import { assertTimeZone, parseScheduleExpression } from './schedule-expression';

/** One occurrence of a schedule, as the target receives it. */
export interface ScheduledJob {
  readonly name: string;
  readonly scheduledTime: Date;
}

/** What the scheduler runs on, and what it calls. */
export interface SchedulerOptions {
  readonly clock: MovableClock;
  /** Delivers an occurrence (the local cloud puts the Scheduled Event on the bus). */
  readonly fire: (job: ScheduledJob) => Promise<void>;
  /** Waits until whatever `fire` started has finished (queues drained, handlers done). */
  readonly settle?: () => Promise<void>;
  /** Receives errors of occurrences fired by the timer of {@link Scheduler.start}. @default console.error */
  readonly onError?: (error: unknown) => void;
}

/** A schedule to run. */
export interface JobDefinition {
  /** Unique among the scheduler's jobs. */
  readonly name: string;
  /** `rate(...)` or `cron(...)`, in EventBridge Scheduler's syntax. */
  readonly expression: string;
  /** IANA time zone of a cron expression. @default 'UTC', as in AWS */
  readonly timeZone?: string;
}

interface Job {
  readonly name: string;
  readonly expression: string;
  readonly timeZone: string;
  schedule: ScheduleExpression;
  /** Occurrences at or before this instant have fired, or were never due. */
  cursor: Date;
  lastFired?: Date;
  /** The next occurrence after `cursor`, kept so each step compares instead of searching. */
  next: Date | undefined;
}

/** Runs rate and cron schedules on a {@link MovableClock}, never firing an occurrence twice. */
export class Scheduler {
  private readonly jobs = new Map<string, Job>();
  /** lastFired values restored before their job was added. */
  private readonly restored = new Map<string, Date>();
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SchedulerOptions) {}

  /** Adds a schedule; a rate counts from now, a cron's first occurrence is the next one after now. */
  add(definition: JobDefinition): void {
    const { name, expression, timeZone = 'UTC' } = definition;
    if (this.jobs.has(name)) throw new Error(`a schedule named "${name}" already exists`);
    assertTimeZone(timeZone);
    const now = this.options.clock.now();
    const schedule = parseScheduleExpression(expression, { anchor: now });
    const job: Job = { name, expression, timeZone, schedule, cursor: now, next: undefined };
    job.next = schedule.next(now, timeZone);
    this.jobs.set(name, job);
    const lastFired = this.restored.get(name);
    if (lastFired) this.applyRestore(job, lastFired);
    this.restored.delete(name);
  }

  /** Removes a schedule; returns whether there was one. */
  remove(name: string): boolean {
    this.restored.delete(name);
    return this.jobs.delete(name);
  }

  /** Names of the schedules, in the order they were added. */
  names(): string[] {
    return [...this.jobs.keys()];
  }

  /** The next occurrence of a schedule, or undefined when it has none (or no such schedule). */
  nextOccurrence(name: string): Date | undefined {
    return this.jobs.get(name)?.next;
  }

  /**
   * Fires every occurrence due by the clock's current time, oldest first, awaiting `fire` and
   * `settle` after each. Returns how many fired. An error from `fire` stops the run and is thrown;
   * that occurrence counts as fired, the others stay due. Runs queue behind each other, so `fire`
   * and `settle` must not await runDue or advance themselves.
   */
  runDue(): Promise<number> {
    return this.exclusive(() => this.fireUntil(this.options.clock.now(), false));
  }

  /**
   * Moves the clock `ms` forward in steps: to each due occurrence in turn (the clock shows exactly
   * its time while it fires and settles), then to now + ms. Returns how many fired.
   */
  advance(ms: number): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0) return Promise.reject(new RangeError(`cannot advance by ${ms} ms`));
    return this.exclusive(async () => {
      const { clock } = this.options;
      const target = new Date(clock.now().getTime() + ms);
      const fired = await this.fireUntil(target, true);
      if (clock.now() < target) clock.set(target);
      return fired;
    });
  }

  /** Runs due occurrences every `intervalMs` of real time; the timer does not keep Node alive. */
  start(intervalMs = 1000): void {
    if (this.timer) return;
    const report = this.options.onError ?? ((error: unknown) => console.error('scheduler:', error));
    // A slow target must not pile up ticks behind it: skip a tick while the last one still runs.
    let ticking = false;
    this.timer = setInterval(() => {
      if (ticking) return;
      ticking = true;
      this.runDue()
        .catch(report)
        .finally(() => {
          ticking = false;
        });
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer of {@link start}; occurrences already firing finish. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** When each schedule last fired (ISO 8601), for the local cloud to keep across restarts. */
  lastFired(): Record<string, string> {
    const record: Record<string, string> = {};
    for (const [name, date] of this.restored) record[name] = date.toISOString();
    for (const job of this.jobs.values()) {
      if (job.lastFired) record[job.name] = job.lastFired.toISOString();
    }
    return record;
  }

  /**
   * Takes back what {@link lastFired} returned before a restart, for schedules added before or
   * after. Like a scheduler that was down, only the latest occurrence missed meanwhile fires; a
   * rate keeps counting from its last run instead of from the restart.
   */
  restore(lastFired: Readonly<Record<string, string>>): void {
    for (const [name, iso] of Object.entries(lastFired)) {
      const date = new Date(iso);
      if (Number.isNaN(date.getTime())) throw new RangeError(`lastFired of "${name}" is not a date: ${iso}`);
      const job = this.jobs.get(name);
      if (job) this.applyRestore(job, date);
      else this.restored.set(name, date);
    }
  }

  private applyRestore(job: Job, lastFired: Date): void {
    job.schedule = parseScheduleExpression(job.expression, { anchor: lastFired });
    job.lastFired = lastFired;
    const latest = job.schedule.previous(this.options.clock.now(), job.timeZone);
    // Just before the latest missed occurrence, so that one (and no earlier one) is still due.
    this.moveCursor(job, latest && latest > lastFired ? new Date(latest.getTime() - 1) : lastFired);
  }

  private async fireUntil(limit: Date, moveClock: boolean): Promise<number> {
    let fired = 0;
    for (let due = this.earliestDue(limit); due; due = this.earliestDue(limit)) {
      const { job, scheduledTime } = due;
      if (moveClock && scheduledTime > this.options.clock.now()) this.options.clock.set(scheduledTime);
      job.lastFired = scheduledTime;
      this.moveCursor(job, scheduledTime);
      fired++;
      await this.options.fire({ name: job.name, scheduledTime });
      await this.options.settle?.();
    }
    return fired;
  }

  /** The job whose next occurrence is the earliest at or before `limit`; ties go to the first added. */
  private earliestDue(limit: Date): { job: Job; scheduledTime: Date } | undefined {
    let earliest: { job: Job; scheduledTime: Date } | undefined;
    for (const job of this.jobs.values()) {
      const next = job.next;
      if (next && next <= limit && (!earliest || next < earliest.scheduledTime)) {
        earliest = { job, scheduledTime: next };
      }
    }
    return earliest;
  }

  private moveCursor(job: Job, cursor: Date): void {
    job.cursor = cursor;
    job.next = job.schedule.next(cursor, job.timeZone);
  }

  // runDue from the timer and advance from a test must not interleave, or both could fire one occurrence.
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
