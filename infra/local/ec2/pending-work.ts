// Timers and callbacks still in flight, so the local cloud can wait until nothing moves any more
// (tests, `settle()`) and stop everything at once when it shuts down.

interface Timer {
  readonly handle: NodeJS.Timeout;
  readonly finish: () => void;
}

/** Tracks promises and keyed timers; `settled()` resolves once none is left. */
export class PendingWork {
  readonly #inFlight = new Set<Promise<void>>();
  readonly #timers = new Map<string, Timer>();
  #closed = false;

  readonly #onError: (error: unknown, key: string) => void;

  constructor(onError: (error: unknown, key: string) => void) {
    this.#onError = onError;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Counts `work` as in flight until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    const done = work.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.add(done);
    void done.then(() => this.#inFlight.delete(done));
    return work;
  }

  /** Runs `action` after `ms` (0: on the next turn of the event loop), replacing the key's timer. */
  schedule(key: string, ms: number, action: () => Promise<void> | void): void {
    this.cancel(key);
    if (this.#closed) return;
    let finish = (): void => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const handle = setTimeout(() => {
      this.#timers.delete(key);
      Promise.resolve()
        .then(action)
        .catch((error: unknown) => this.#onError(error, key))
        .finally(finish);
    }, ms);
    this.#timers.set(key, { handle, finish });
    this.track(finished);
  }

  /** Cancels the key's timer, if any. */
  cancel(key: string): void {
    const timer = this.#timers.get(key);
    if (!timer) return;
    clearTimeout(timer.handle);
    this.#timers.delete(key);
    timer.finish();
  }

  /** Resolves when no tracked promise or timer is left, including work started while waiting. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  /** Cancels every timer; no timer is scheduled afterwards. */
  close(): void {
    this.#closed = true;
    for (const key of [...this.#timers.keys()]) this.cancel(key);
  }
}
