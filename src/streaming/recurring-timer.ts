import type { Cancellable, Clock } from '../util/clock.js';

/**
 * Calls `callback(time)` at every multiple of `period` on a clock. The next tick is scheduled
 * before the callback runs, so a slow callback never shifts the grid: batches queue instead.
 */
export class RecurringTimer {
  private next = 0;
  private pending: Cancellable | undefined;
  private stopped = true;

  constructor(
    private readonly clock: Clock,
    private readonly period: number,
    private readonly callback: (time: number) => unknown,
  ) {}

  /** The first multiple of the period strictly after the clock's now. */
  startTime(): number {
    return (Math.floor(this.clock.now() / this.period) + 1) * this.period;
  }

  start(firstTime = this.startTime()): number {
    this.stopped = false;
    this.next = firstTime;
    this.scheduleNext();
    return firstTime;
  }

  /** Stops ticking; returns the time of the last tick that ran. */
  stop(): number {
    this.stopped = true;
    this.pending?.cancel();
    this.pending = undefined;
    return this.next - this.period;
  }

  private scheduleNext(): void {
    const at = this.next;
    this.pending = this.clock.schedule(at, () => {
      if (this.stopped) return undefined;
      this.next = at + this.period;
      this.scheduleNext();
      return this.callback(at);
    });
  }
}
