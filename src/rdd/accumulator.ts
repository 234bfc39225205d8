import { DStreamError } from '../errors.js';
import { isDriver } from '../util/role.js';
import { currentTaskUpdates, RunOnDriver } from './task-updates.js';

/** What the driver knows of a registered accumulator; kept apart from its (copied) fields. */
interface Registration {
  readonly id: number;
  readonly name: string | undefined;
  /** Created by a task thread while it ran a task: the driver has no accumulator to pair it with. */
  readonly unpaired: boolean;
}

const registrations = new WeakMap<object, Registration>();

/**
 * The base of accumulators, as Spark's `AccumulatorV2<IN, OUT>`: a value tasks add to and the
 * driver reads. Inside a task, `add` goes to a copy that belongs to the task attempt; the driver
 * merges the copy into this accumulator when the attempt succeeds, so a failed attempt (a thread
 * that died, a task run again) adds nothing: each successful task counts once. This holds for
 * updates in actions (`foreach`, `foreachPartition`) and, here, for transformations too, as long
 * as their RDD is computed once: an RDD computed again (read by two actions and not persisted, a
 * window re-reading a batch) counts its updates again, as in Spark.
 *
 * A custom accumulator extends this class, keeps its value in plain-data fields (a task thread
 * sends its copy's fields to the driver) and is registered with `sc.register(acc, name)`.
 *
 * @example
 * ```ts
 * import { AccumulatorV2 } from 'dstream';
 *
 * class MaxAccumulator extends AccumulatorV2<number, number> {
 *   max = -Infinity;
 *   isZero() { return this.max === -Infinity; }
 *   copy() { const c = new MaxAccumulator(); c.max = this.max; return c; }
 *   reset() { this.max = -Infinity; }
 *   add(v: number) { this.max = Math.max(this.max, v); }
 *   merge(other: MaxAccumulator) { this.max = Math.max(this.max, other.max); }
 *   get value() { return this.max; }
 * }
 * const longest = sc.register(new MaxAccumulator(), 'longest line');
 * await sc.textFile('input.txt').foreach((line) => longest.add(line.length));
 * ```
 */
export abstract class AccumulatorV2<IN, OUT> {
  constructor() {
    // Route `add` to the running task attempt's copy: the subclass's own `add` is called on the
    // copy (inside a task) or on this accumulator (on the driver, outside tasks).
    const add = Object.getPrototypeOf(this) as { add(this: unknown, v: IN): void };
    Object.defineProperty(this, 'add', {
      value: (v: IN): void => {
        add.add.call(this.target(), v);
      },
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }

  /** Whether the value is the zero value (nothing added since creation or `reset()`). */
  abstract isZero(): boolean;
  /** A new accumulator with the same value. */
  abstract copy(): AccumulatorV2<IN, OUT>;
  /** Sets the value back to zero. */
  abstract reset(): void;
  /** Adds `v` to the value. */
  abstract add(v: IN): void;
  /** Merges another accumulator of the same kind into this one. */
  abstract merge(other: AccumulatorV2<IN, OUT>): void;
  /** The current value. */
  abstract get value(): OUT;

  /** The id given by `register` (Spark's `id`); -1 before. */
  get id(): number {
    return registrations.get(this)?.id ?? -1;
  }

  /** The name given at registration, if any. */
  get name(): string | undefined {
    return registrations.get(this)?.name;
  }

  /** Whether a SparkContext has registered it. */
  get isRegistered(): boolean {
    return registrations.has(this);
  }

  /** A copy set back to zero (Spark's `copyAndReset`). */
  copyAndReset(): AccumulatorV2<IN, OUT> {
    const c = this.copy();
    c.reset();
    return c;
  }

  /** Spark's `LongAccumulator(id: 0, name: Some(errors), value: 3)`. */
  toString(): string {
    const name = this.name === undefined ? 'None' : `Some(${this.name})`;
    return `${this.constructor.name}(id: ${this.id}, name: ${name}, value: ${String(this.value)})`;
  }

  /** Where an `add` goes now: the running attempt's copy, or this accumulator. */
  private target(): AccumulatorV2<IN, OUT> {
    const registration = registrations.get(this);
    const updates = registration && currentTaskUpdates();
    if (!updates) return this;
    if (registration.unpaired) {
      throw new RunOnDriver(
        `${this.toString()} was created in a task thread while it ran a task: create accumulators at the top level of the application`,
      );
    }
    return updates.copyOf(this) as AccumulatorV2<IN, OUT>;
  }

  /**
   * Called by `SparkContext.register`.
   * @internal
   */
  registerAs(id: number, name: string | undefined): void {
    if (registrations.has(this)) {
      throw new DStreamError(
        'DSTREAM_ERR_ACCUMULATOR',
        `requirement failed: Cannot register an Accumulator twice (${this.toString()})`,
      );
    }
    const unpaired = !isDriver() && currentTaskUpdates() !== undefined;
    registrations.set(this, { id, name, unpaired });
  }
}

/**
 * Sums integers, and counts them, as Spark's `LongAccumulator` (`sc.longAccumulator(name)`):
 * `value` and `sum` are the sum, `count` how many were added, `avg` their mean.
 *
 * @example
 * ```ts
 * const blank = sc.longAccumulator('blank lines');
 * lines.foreachRDD(async (rdd) => {
 *   await rdd.foreach((line) => { if (line.trim() === '') blank.add(1); });
 *   console.log(`${blank.value} blank lines so far`);
 * });
 * ```
 */
export class LongAccumulator extends AccumulatorV2<number, number> {
  /** The sum of the values added. */
  protected total = 0;
  /** How many values were added. */
  protected added = 0;

  isZero(): boolean {
    return this.total === 0 && this.added === 0;
  }

  copy(): LongAccumulator {
    const c = new (this.constructor as new () => LongAccumulator)();
    c.total = this.total;
    c.added = this.added;
    return c;
  }

  reset(): void {
    this.total = 0;
    this.added = 0;
  }

  add(v: number): void {
    this.total += v;
    this.added++;
  }

  merge(other: AccumulatorV2<number, number>): void {
    if (!(other instanceof LongAccumulator)) {
      throw new DStreamError(
        'DSTREAM_ERR_ACCUMULATOR',
        `Cannot merge ${this.constructor.name} with ${other.constructor.name}`,
      );
    }
    this.total += other.total;
    this.added += other.added;
  }

  get value(): number {
    return this.total;
  }

  /** The sum of the values added, as Spark's `sum`. */
  get sum(): number {
    return this.total;
  }

  /** How many values were added, as Spark's `count`. */
  get count(): number {
    return this.added;
  }

  /** The mean of the values added (NaN when none was, as Spark's `0.0 / 0`). */
  get avg(): number {
    return this.total / this.added;
  }
}

/** Sums numbers, and counts them, as Spark's `DoubleAccumulator` (`sc.doubleAccumulator(name)`). */
export class DoubleAccumulator extends LongAccumulator {}

/**
 * Collects the elements added, as Spark's `CollectionAccumulator` (`sc.collectionAccumulator`):
 * `value` is a copy of the list. The order follows the order in which tasks completed.
 *
 * @example
 * ```ts
 * const rejected = sc.collectionAccumulator<string>('rejected');
 * await sc.parallelize(['1', 'x', '3']).foreach((s) => { if (Number.isNaN(Number(s))) rejected.add(s); });
 * rejected.value; // ['x']
 * ```
 */
export class CollectionAccumulator<T> extends AccumulatorV2<T, T[]> {
  /** The elements added. */
  protected items: T[] = [];

  isZero(): boolean {
    return this.items.length === 0;
  }

  copy(): CollectionAccumulator<T> {
    const c = new CollectionAccumulator<T>();
    c.items = [...this.items];
    return c;
  }

  reset(): void {
    this.items = [];
  }

  add(v: T): void {
    this.items.push(v);
  }

  merge(other: AccumulatorV2<T, T[]>): void {
    if (!(other instanceof CollectionAccumulator)) {
      throw new DStreamError(
        'DSTREAM_ERR_ACCUMULATOR',
        `Cannot merge ${this.constructor.name} with ${other.constructor.name}`,
      );
    }
    for (const x of (other as CollectionAccumulator<T>).items) this.items.push(x);
  }

  get value(): T[] {
    return [...this.items];
  }
}
