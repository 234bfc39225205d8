/**
 * The one source of time. Every timer and every reading of the wall clock in dstream goes through
 * a {@link Clock}, so that a {@link ManualClock} makes the whole engine deterministic in tests.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Runs `task` at clock time `at` (or as soon as possible when `at` has passed). A system clock
   * does not wait for the task's promise; a manual clock does, so that `advance` settles.
   */
  schedule(at: number, task: () => unknown): Cancellable;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

export interface Cancellable {
  cancel(): void;
}

/** The wall clock, with Node's timers. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  schedule(at: number, task: () => unknown): Cancellable {
    const handle = setTimeout(() => void task(), Math.max(0, at - Date.now()));
    return { cancel: () => clearTimeout(handle) };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }
}

interface Scheduled {
  at: number;
  seq: number;
  task: () => unknown;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to, as Spark's `ManualClock`. `advance` runs every task that
 * falls due, in time order, and waits for each one's promise, so that when it returns every batch
 * that became due has been generated, run and checkpointed.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly queue: Scheduled[] = [];

  constructor(startTime = 0) {
    this.time = startTime;
  }

  now(): number {
    return this.time;
  }

  schedule(at: number, task: () => unknown): Cancellable {
    const entry: Scheduled = { at, seq: this.seq++, task, cancelled: false };
    this.queue.push(entry);
    return { cancel: () => (entry.cancelled = true) };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.schedule(this.time + ms, resolve));
  }

  /** Moves time forward by `ms`, running (and awaiting) every task that falls due on the way. */
  async advance(ms: number): Promise<void> {
    await this.setTime(this.time + ms);
  }

  /** Moves time forward to `target`, as `advance` does. */
  async setTime(target: number): Promise<void> {
    for (;;) {
      // Let work started by the previous task (receivers, stores) reach the queue first.
      await settle();
      const next = this.nextDue(target);
      if (next === undefined) break;
      this.time = Math.max(this.time, next.at);
      await next.task();
    }
    this.time = Math.max(this.time, target);
    await settle();
  }

  private nextDue(target: number): Scheduled | undefined {
    let best = -1;
    for (let i = 0; i < this.queue.length; i++) {
      const e = this.queue[i]!;
      if (e.cancelled || e.at > target) continue;
      const b = best >= 0 ? this.queue[best]! : undefined;
      if (!b || e.at < b.at || (e.at === b.at && e.seq < b.seq)) best = i;
    }
    if (best < 0) {
      this.compact();
      return undefined;
    }
    return this.queue.splice(best, 1)[0];
  }

  private compact(): void {
    for (let i = this.queue.length - 1; i >= 0; i--)
      if (this.queue[i]!.cancelled) this.queue.splice(i, 1);
  }
}

/** Lets already-queued promise callbacks and I/O callbacks run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export const systemClock: Clock = new SystemClock();
