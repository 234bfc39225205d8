import { Duration } from './duration.js';

/**
 * A batch time in epoch milliseconds, as Spark's `Time`. `toString()` is `"<ms> ms"`, which is what
 * `print()` shows after `Time: `.
 */
export class Time {
  readonly milliseconds: number;

  constructor(milliseconds: number) {
    this.milliseconds = milliseconds;
  }

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

  less(that: Time): boolean {
    return this.milliseconds < that.milliseconds;
  }

  lessEq(that: Time): boolean {
    return this.milliseconds <= that.milliseconds;
  }

  greater(that: Time): boolean {
    return this.milliseconds > that.milliseconds;
  }

  greaterEq(that: Time): boolean {
    return this.milliseconds >= that.milliseconds;
  }

  equals(that: Time): boolean {
    return this.milliseconds === that.milliseconds;
  }

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

  toString(): string {
    return `${this.milliseconds} ms`;
  }
}
