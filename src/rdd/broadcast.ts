import { DStreamError } from '../errors.js';
import { CapturedCallSite } from '../util/call-site.js';
import { isDriver } from '../util/role.js';
import { currentTaskUpdates, RunOnDriver } from './task-updates.js';

/**
 * How a task thread reads a broadcast value from the driver (set by the thread's runtime).
 * @internal
 */
export type BroadcastFetcher = (id: number) => unknown;

/**
 * A read-only value shipped to every task thread once, as Spark's `Broadcast<T>`
 * (`sc.broadcast(value)`): functions read it with `.value` instead of closing over the value.
 *
 * With `local[N]`, a task thread reads the driver's value the first time one of its tasks reads
 * `.value`, and keeps it for the following tasks (Spark fetches it once per executor). So the
 * value may be built on the driver only (`sc.broadcast(onDriver(loadTable) ?? new Map())`): the
 * threads get the driver's. Values cross threads by structured clone: plain data (primitives,
 * arrays, plain objects, Map, Set, Date, typed arrays); a stage whose broadcast is of another kind
 * runs on the driver. Create broadcasts at the top level of the application, before
 * `ssc.start()`, in the same order in every thread (as streams), or lazily on the driver only
 * (Spark's singleton pattern inside `foreachRDD`); a broadcast a thread creates while it replays
 * a `transform` makes its stage run on the driver.
 *
 * @example
 * ```ts
 * const stopWords = sc.broadcast(new Set(['a', 'the', 'of']));
 * const kept = words.filter((w) => !stopWords.value.has(w));
 * ```
 */
export class Broadcast<T> {
  private current: T | undefined;
  /** Whether `current` is the driver's value (always on the driver; after a fetch in a thread). */
  private held: boolean;
  private destroySite: string | undefined;
  private readonly unpaired: boolean;

  /** @internal */
  constructor(
    /** Spark's id: 0, 1, ... in creation order in each context. */
    readonly id: number,
    value: T,
    private readonly fetcher: () => BroadcastFetcher | undefined,
    private readonly dropped: (id: number) => void,
  ) {
    this.current = value;
    this.held = isDriver();
    this.unpaired = !isDriver() && currentTaskUpdates() !== undefined;
  }

  /** The value (the driver's, in a task thread, fetched once per thread). */
  get value(): T {
    this.assertValid();
    if (!this.held) {
      const fetch = this.fetcher();
      // Outside a task (top-level code of a task thread) the thread's own value is all there is.
      if (fetch === undefined || currentTaskUpdates() === undefined) return this.current as T;
      if (this.unpaired) {
        throw new RunOnDriver(
          `${this.toString()} was created in a task thread while it ran a task: create broadcast variables at the top level of the application`,
        );
      }
      this.current = fetch(this.id) as T;
      this.held = true;
    }
    return this.current as T;
  }

  /**
   * Drops the copies task threads hold: a thread that reads `.value` again fetches it again, as
   * Spark's `unpersist` deletes the executors' copies.
   */
  unpersist(): void {
    this.assertValid();
    this.dropped(this.id);
  }

  /**
   * Drops the value everywhere, for good: any later use throws Spark's `Attempted to use
   * Broadcast(id) after it was destroyed (destroy at app.ts:12)`.
   */
  destroy(): void {
    this.assertValid();
    this.destroySite = new CapturedCallSite().short;
    this.current = undefined;
    this.dropped(this.id);
  }

  /** Whether it can still be used (not destroyed). */
  get isValid(): boolean {
    return this.destroySite === undefined;
  }

  /**
   * In a task thread: forgets the value fetched from the driver.
   * @internal
   */
  dropCopy(): void {
    if (isDriver()) return;
    this.held = false;
    this.current = undefined;
  }

  /** Spark's `Broadcast(0)`. */
  toString(): string {
    return `Broadcast(${this.id})`;
  }

  /**
   * Throws Spark's error once destroyed.
   * @internal
   */
  assertValid(): void {
    if (this.destroySite !== undefined) {
      throw new DStreamError(
        'DSTREAM_ERR_BROADCAST_DESTROYED',
        `Attempted to use ${this.toString()} after it was destroyed (${this.destroySite}) `,
      );
    }
  }
}
