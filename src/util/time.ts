import { Duration } from './duration.js';

/**
 * A batch time in epoch milliseconds, as Spark's `Time`. `toString()` is `"<ms> ms"`, which is what
 * `print()` shows after `Time: `.
 */
export class Time {
  /** The time in milliseconds since the epoch (or since the start of a manual clock). */
  readonly milliseconds: number;

  /**
   * A batch time of `milliseconds`; batch k of a context whose clock starts at 0 runs at k × batchDuration.
   */
  constructor(milliseconds: number) {
    this.milliseconds = milliseconds;
  }

  /** The time `d` after this one. */
  plus(d: Duration): Time {
    return new Time(this.milliseconds + d.milliseconds);
  }

  /** `time.minus(duration)` is an earlier time; `time.minus(otherTime)` is the duration between. */
  minus(d: Duration): Time;
  minus(t: Time): Duration;
  minus(x: Duration | Time): Time | Duration {
    return x instanceof Time
      ? new Duration(this.milliseconds - x.milliseconds)
      : new Time(this.milliseconds - x.milliseconds);
  }

  /** Whether this time is before `that`. */
  less(that: Time): boolean {
    return this.milliseconds < that.milliseconds;
  }

  /** Whether this time is before or at `that`. */
  lessEq(that: Time): boolean {
    return this.milliseconds <= that.milliseconds;
  }

  /** Whether this time is after `that`. */
  greater(that: Time): boolean {
    return this.milliseconds > that.milliseconds;
  }

  /** Whether this time is after or at `that`. */
  greaterEq(that: Time): boolean {
    return this.milliseconds >= that.milliseconds;
  }

  /** Whether both are the same time. */
  equals(that: Time): boolean {
    return this.milliseconds === that.milliseconds;
  }

  /** Whether this time falls on a multiple of `d` (a window slide fires at such times). */
  isMultipleOf(d: Duration): boolean {
    return this.milliseconds % d.milliseconds === 0;
  }

  /** The largest multiple of `d` (counted from `zeroTime`, default the epoch) not after this time. */
  floor(d: Duration, zeroTime?: Time): Time {
    const zero = zeroTime?.milliseconds ?? 0;
    const t = this.milliseconds - zero;
    return new Time(zero + Math.floor(t / d.milliseconds) * d.milliseconds);
  }

  /** Times from this one up to `end` inclusive, stepping by `step`. */
  to(end: Time, step: Duration): Time[] {
    const out: Time[] = [];
    for (let t = this.milliseconds; t <= end.milliseconds; t += step.milliseconds) {
      out.push(new Time(t));
    }
    return out;
  }

  /** Times from this one up to `end` exclusive, stepping by `step`. */
  until(end: Time, step: Duration): Time[] {
    const out: Time[] = [];
    for (let t = this.milliseconds; t < end.milliseconds; t += step.milliseconds) {
      out.push(new Time(t));
    }
    return out;
  }

  /** `"<ms> ms"`, as `print()` shows it after `Time: `. */
  toString(): string {
    return `${this.milliseconds} ms`;
  }
}
