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
  readonly milliseconds: number;

  constructor(milliseconds: number) {
    if (!Number.isFinite(milliseconds)) {
      throw new TypeError(
        `A duration must be a finite number of milliseconds, got ${milliseconds}`,
      );
    }
    this.milliseconds = Math.trunc(milliseconds);
  }

  plus(that: Duration): Duration {
    return new Duration(this.milliseconds + that.milliseconds);
  }

  minus(that: Duration): Duration {
    return new Duration(this.milliseconds - that.milliseconds);
  }

  times(n: number): Duration {
    return new Duration(this.milliseconds * n);
  }

  /** The ratio of two durations, as Spark's `Duration./`. */
  div(that: Duration): number {
    return this.milliseconds / that.milliseconds;
  }

  less(that: Duration): boolean {
    return this.milliseconds < that.milliseconds;
  }

  lessEq(that: Duration): boolean {
    return this.milliseconds <= that.milliseconds;
  }

  greater(that: Duration): boolean {
    return this.milliseconds > that.milliseconds;
  }

  greaterEq(that: Duration): boolean {
    return this.milliseconds >= that.milliseconds;
  }

  equals(that: Duration): boolean {
    return this.milliseconds === that.milliseconds;
  }

  isMultipleOf(that: Duration): boolean {
    if (that.milliseconds === 0) throw new RangeError('Cannot test a multiple of a zero duration');
    return this.milliseconds % that.milliseconds === 0;
  }

  isZero(): boolean {
    return this.milliseconds === 0;
  }

  min(that: Duration): Duration {
    return this.less(that) ? this : that;
  }

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

  toString(): string {
    return `${this.milliseconds} ms`;
  }
}

function trim(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, '');
}

export function Milliseconds(ms: number): Duration {
  return new Duration(ms);
}

export function Seconds(s: number): Duration {
  return new Duration(s * 1000);
}

export function Minutes(m: number): Duration {
  return new Duration(m * 60_000);
}
