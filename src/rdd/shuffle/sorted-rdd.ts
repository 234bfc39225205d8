import { HashPartitioner } from '../partitioner.js';
import { RDD } from '../rdd.js';
import type { Emit, TaskContext } from '../task-context.js';
import { ShuffleDependency } from './shuffle-dependency.js';

/**
 * `sortByKey`: every record moves to one sorted sequence, which is cut by position into
 * `numPartitions` ranges, so partition 0 holds the smallest keys (ascending) and every partition
 * is sorted.
 */
export class SortedRDD<K, V> extends RDD<readonly [K, V]> {
  private readonly dependency: ShuffleDependency<K, V>;
  private sorted: (readonly [K, V])[] | undefined;

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
    const all = (this.sorted ??= this.sortAll());
    const n = all.length;
    const end = Math.floor(((split + 1) * n) / this.partitionCount);
    for (let i = Math.floor((split * n) / this.partitionCount); i < end; i++) emit(all[i]!);
  }

  private sortAll(): (readonly [K, V])[] {
    const all: (readonly [K, V])[] = [];
    for (const b of this.context.shuffleManager.read(this.dependency.shuffleId, 0)) {
      for (let i = 0; i < b.keys.length; i++) all.push([b.keys[i] as K, b.values[i] as V]);
    }
    const sign = this.ascending ? 1 : -1;
    return all.sort((a, b) => sign * this.compare(a[0], b[0]));
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
