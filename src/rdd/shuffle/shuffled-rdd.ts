import type { Partitioner } from '../partitioner.js';
import { RDD } from '../rdd.js';
import type { Emit, TaskContext } from '../task-context.js';
import type { Aggregator } from './aggregator.js';
import { CombineMap } from './combine-map.js';
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
    const combined = new CombineMap<K, V, C>(agg);
    for (const b of buckets) {
      const keys = b.keys as K[];
      const values = b.values;
      if (dep.mapSideCombine) {
        for (let i = 0; i < keys.length; i++) combined.insertCombiner(keys[i]!, values[i] as C);
      } else {
        for (let i = 0; i < keys.length; i++) combined.insertValue(keys[i]!, values[i] as V);
      }
    }
    const { keys, combiners } = combined;
    for (let i = 0; i < keys.length; i++) emit([keys[i]!, combiners[i]!]);
  }
}
