import { KeyMap } from '../../util/keys.js';
import type { Partitioner } from '../partitioner.js';
import { RDD } from '../rdd.js';
import type { Emit, TaskContext } from '../task-context.js';
import type { Aggregator } from './aggregator.js';
import { ShuffleDependency } from './shuffle-dependency.js';

/**
 * The reduce side of a shuffle: partition i holds the keys the partitioner places in i, combined
 * with the aggregator when there is one (`reduceByKey`, `combineByKey`, `groupByKey`).
 */
export class ShuffledRDD<K, V, C> extends RDD<readonly [K, C]> {
  private readonly dependency: ShuffleDependency<K, V, C>;

  constructor(
    parent: RDD<readonly [K, V]>,
    partitioner: Partitioner,
    aggregator?: Aggregator<V, C>,
    mapSideCombine = false,
  ) {
    const dep = new ShuffleDependency<K, V, C>(parent, partitioner, aggregator, mapSideCombine);
    super(parent.context, [], [dep]);
    this.dependency = dep;
    this.partitioner = partitioner;
  }

  get numPartitions(): number {
    return this.dependency.partitioner.numPartitions;
  }

  protected get kind(): string {
    return 'shuffle';
  }

  protected compute(split: number, _task: TaskContext, emit: Emit<readonly [K, C]>): void {
    const dep = this.dependency;
    const buckets = this.context.shuffleManager.read(dep.shuffleId, split);
    const agg = dep.aggregator;
    if (!agg) {
      for (const b of buckets) {
        for (let i = 0; i < b.keys.length; i++) emit([b.keys[i] as K, b.values[i] as C]);
      }
      return;
    }
    const combined = new KeyMap<K, C>();
    for (const b of buckets) {
      const keys = b.keys as K[];
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const c = combined.get(k);
        const present = c !== undefined || combined.has(k);
        if (dep.mapSideCombine) {
          const v = b.values[i] as C;
          combined.set(k, present ? agg.mergeCombiners(c as C, v) : v);
        } else {
          const v = b.values[i] as V;
          combined.set(k, present ? agg.mergeValue(c as C, v) : agg.createCombiner(v));
        }
      }
    }
    combined.forEach((c, k) => emit([k, c]));
  }
}
