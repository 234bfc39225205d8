/**
 * A span of time in milliseconds, as Spark's `Duration`.
 *
 * @example
 * ```ts
 * import { Seconds } from 'dstream';
 * Seconds(5).toString(); // '5000 ms'
 * ```
 */
export class Duration {
  /** The length in milliseconds (a whole number: the constructor truncates). */
  readonly milliseconds: number;

  constructor(milliseconds: number) {
    if (!Number.isFinite(milliseconds)) {
      throw new TypeError(
        `A duration must be a finite number of milliseconds, got ${milliseconds}`,
      );
    }
    this.milliseconds = Math.trunc(milliseconds);
  }

  /** The sum of two durations. */
  plus(that: Duration): Duration {
    return new Duration(this.milliseconds + that.milliseconds);
  }

  /** This duration less `that` (may be negative). */
  minus(that: Duration): Duration {
    return new Duration(this.milliseconds - that.milliseconds);
  }

  /** This duration `n` times over, as Spark's `Duration.*`. */
  times(n: number): Duration {
    return new Duration(this.milliseconds * n);
  }

  /** The ratio of two durations, as Spark's `Duration./`. */
  div(that: Duration): number {
    return this.milliseconds / that.milliseconds;
  }

  /** Whether this duration is shorter than `that`. */
  less(that: Duration): boolean {
    return this.milliseconds < that.milliseconds;
  }

  /** Whether this duration is shorter than or as long as `that`. */
  lessEq(that: Duration): boolean {
    return this.milliseconds <= that.milliseconds;
  }

  /** Whether this duration is longer than `that`. */
  greater(that: Duration): boolean {
    return this.milliseconds > that.milliseconds;
  }

  /** Whether this duration is longer than or as long as `that`. */
  greaterEq(that: Duration): boolean {
    return this.milliseconds >= that.milliseconds;
  }

  /** Whether both durations have the same length. */
  equals(that: Duration): boolean {
    return this.milliseconds === that.milliseconds;
  }

  /**
   * Whether this duration is a whole number of `that` (how windows and slides are checked against a stream's slide); throws for a zero `that`.
   */
  isMultipleOf(that: Duration): boolean {
    if (that.milliseconds === 0) throw new RangeError('Cannot test a multiple of a zero duration');
    return this.milliseconds % that.milliseconds === 0;
  }

  /** Whether the duration is 0 ms. */
  isZero(): boolean {
    return this.milliseconds === 0;
  }

  /** The shorter of the two durations. */
  min(that: Duration): Duration {
    return this.less(that) ? this : that;
  }

  /** The longer of the two durations. */
  max(that: Duration): Duration {
    return this.greater(that) ? this : that;
  }

  /** A human form such as `5 s`, `1.5 min` or `200 ms`. */
  prettyPrint(): string {
    const ms = this.milliseconds;
    if (ms < 1000) return `${ms} ms`;
    if (ms < 60_000) return `${trim(ms / 1000)} s`;
    if (ms < 3_600_000) return `${trim(ms / 60_000)} min`;
    return `${trim(ms / 3_600_000)} h`;
  }

  /** `"<ms> ms"`, as Spark prints a duration (`Seconds(5)` is `5000 ms`). */
  toString(): string {
    return `${this.milliseconds} ms`;
  }
}

function trim(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, '');
}

/** A duration of `ms` milliseconds, as Spark's `Milliseconds(ms)`. */
export function Milliseconds(ms: number): Duration {
  return new Duration(ms);
}

/**
 * A duration of `s` seconds, as Spark's `Seconds(s)`: `Seconds(5)` is a 5-second batch interval.
 */
export function Seconds(s: number): Duration {
  return new Duration(s * 1000);
}

/** A duration of `m` minutes, as Spark's `Minutes(m)`. */
export function Minutes(m: number): Duration {
  return new Duration(m * 60_000);
}
