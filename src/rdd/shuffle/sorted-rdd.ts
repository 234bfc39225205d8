import { HashPartitioner } from '../partitioner.js';
import { RDD } from '../rdd.js';
import type { Emit, TaskContext } from '../task-context.js';
import { ShuffleDependency } from './shuffle-dependency.js';

/**
 * `sortByKey`: every record moves to one sorted sequence, which is cut into `numPartitions` ranges
 * of about equal size, so partition 0 holds the smallest keys (ascending) and every partition is
 * sorted. As with Spark's range partitioning, all records of a key land in one partition.
 */
export class SortedRDD<K, V> extends RDD<readonly [K, V]> {
  private readonly dependency: ShuffleDependency<K, V>;
  private sorted: { records: (readonly [K, V])[]; bounds: number[] } | undefined;

  constructor(
    parent: RDD<readonly [K, V]>,
    private readonly compare: (a: K, b: K) => number,
    private readonly ascending: boolean,
    private readonly partitionCount: number,
  ) {
    const dep = new ShuffleDependency<K, V>(parent, new HashPartitioner(1));
    super(parent.context, [], [dep]);
    this.dependency = dep;
  }

  get numPartitions(): number {
    return this.partitionCount;
  }

  protected get kind(): string {
    return 'sortByKey';
  }

  protected compute(split: number, _task: TaskContext, emit: Emit<readonly [K, V]>): void {
    const { records, bounds } = (this.sorted ??= this.sortAll());
    for (let i = bounds[split]!; i < bounds[split + 1]!; i++) emit(records[i]!);
  }

  private sortAll(): { records: (readonly [K, V])[]; bounds: number[] } {
    const all: (readonly [K, V])[] = [];
    for (const b of this.context.shuffleManager.read(this.dependency.shuffleId, 0)) {
      for (let i = 0; i < b.keys.length; i++) all.push([b.keys[i] as K, b.values[i] as V]);
    }
    const sign = this.ascending ? 1 : -1;
    all.sort((a, b) => sign * this.compare(a[0], b[0]));
    // Cut at even positions, each moved past the records whose key equals the one before it.
    const n = all.length;
    const bounds = [0];
    for (let j = 1; j < this.partitionCount; j++) {
      let cut = Math.max(bounds[j - 1]!, Math.floor((j * n) / this.partitionCount));
      while (cut > 0 && cut < n && this.compare(all[cut - 1]![0], all[cut]![0]) === 0) cut++;
      bounds.push(cut);
    }
    bounds.push(n);
    return { records: all, bounds };
  }
}

/** Numbers numerically, strings by code unit, bigints numerically, otherwise by type then text. */
export function defaultCompare(a: unknown, b: unknown): number {
  if (
    typeof a === typeof b &&
    (typeof a === 'number' || typeof a === 'bigint' || typeof a === 'string')
  ) {
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = defaultCompare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
