/** In an undo log, the old value of a key that had no state before the change. */
export const ABSENT: unique symbol = Symbol('absent');

/**
 * What one version changed, oldest change first: change i is the key `refs[2i]`, its value before
 * the change `refs[2i + 1]` (or ABSENT) and, when times are tracked, its last-updated time before
 * the change `times[i]`. The buffers of a trimmed log are reused by a later one, so logging a
 * change allocates nothing once the map has warmed up.
 */
export class UndoLog {
  from = -Infinity;
  to = -Infinity;
  count = 0;
  refs: unknown[] = [];
  times: Float64Array | undefined;

  constructor(trackTimes: boolean) {
    if (trackTimes) this.times = new Float64Array(64);
  }

  push(key: unknown, value: unknown, time: number): void {
    const i = this.count++;
    const refs = this.refs;
    if (2 * i < refs.length) {
      refs[2 * i] = key;
      refs[2 * i + 1] = value;
    } else {
      refs.push(key, value);
    }
    const times = this.times;
    if (times) {
      if (i >= times.length) {
        const grown = new Float64Array(times.length * 2);
        grown.set(times);
        this.times = grown;
        grown[i] = time;
      } else {
        times[i] = time;
      }
    }
  }

  key(i: number): unknown {
    return this.refs[2 * i];
  }

  value(i: number): unknown {
    return this.refs[2 * i + 1];
  }

  time(i: number): number {
    return this.times ? this.times[i]! : NaN;
  }

  /** Empties the log for reuse, keeping its buffers but nothing they referenced. */
  recycle(): void {
    this.refs.fill(undefined, 0, 2 * this.count);
    this.count = 0;
  }
}
