import type { Partitioner } from '../partitioner.js';
import type { RDD } from '../rdd.js';
import type { TaskContext } from '../task-context.js';
import type { Aggregator } from './aggregator.js';
import { CombineMap } from './combine-map.js';

/** The records of one map partition that go to one reduce partition, as two parallel arrays. */
export interface ShuffleBucket {
  keys: unknown[];
  values: unknown[];
}

/**
 * One shuffle: the keyed RDD on its map side, how keys are placed, and whether values are combined
 * before they move (map-side combining, as Spark does for `reduceByKey` and `combineByKey`).
 */
export class ShuffleDependency<K = unknown, V = unknown, C = unknown> {
  readonly shuffleId: number;

  constructor(
    readonly rdd: RDD<readonly [K, V]>,
    readonly partitioner: Partitioner,
    readonly aggregator: Aggregator<V, C> | undefined = undefined,
    readonly mapSideCombine = false,
  ) {
    this.shuffleId = rdd.context.shuffleManager.register(this);
  }

  /** Computes map partition `split` and splits it into one bucket per reduce partition. */
  writePartition(split: number, task: TaskContext): ShuffleBucket[] {
    const n = this.partitioner.numPartitions;
    const buckets: ShuffleBucket[] = [];
    for (let i = 0; i < n; i++) buckets.push({ keys: [], values: [] });
    const agg = this.aggregator;
    if (agg && this.mapSideCombine) {
      const combined = new CombineMap<K, V, C>(agg);
      this.rdd.iterate(split, task, (kv) => combined.insertValue(kv[0], kv[1]));
      const { keys, combiners } = combined;
      for (let i = 0; i < keys.length; i++) {
        const b = buckets[this.partitioner.getPartition(keys[i])]!;
        b.keys.push(keys[i]);
        b.values.push(combiners[i]);
      }
    } else {
      this.rdd.iterate(split, task, (kv) => {
        const b = buckets[this.partitioner.getPartition(kv[0])]!;
        b.keys.push(kv[0]);
        b.values.push(kv[1]);
      });
    }
    return buckets;
  }
}
