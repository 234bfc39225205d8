import { KeyMap } from '../../util/keys.js';
import type { Partitioner } from '../partitioner.js';
import { RDD } from '../rdd.js';
import type { Emit, TaskContext } from '../task-context.js';
import { ShuffleDependency } from './shuffle-dependency.js';

/**
 * Groups several keyed RDDs by key: for each key, one array of values per parent, in parent order.
 * The basis of `cogroup` and of the four joins.
 */
export class CoGroupedRDD<K> extends RDD<readonly [K, unknown[][]]> {
  private readonly dependencies: ShuffleDependency<K>[];

  constructor(parents: readonly RDD<readonly [K, unknown]>[], partitioner: Partitioner) {
    const deps = parents.map((p) => new ShuffleDependency<K>(p, partitioner));
    super(parents[0]!.context, [], deps);
    this.dependencies = deps;
    this.partitioner = partitioner;
  }

  get numPartitions(): number {
    return this.partitioner!.numPartitions;
  }

  protected get kind(): string {
    return 'cogroup';
  }

  protected compute(
    split: number,
    _task: TaskContext,
    emit: Emit<readonly [K, unknown[][]]>,
  ): void {
    const n = this.dependencies.length;
    const groups = new KeyMap<K, unknown[][]>();
    this.dependencies.forEach((dep, which) => {
      for (const b of this.context.shuffleManager.read(dep.shuffleId, split)) {
        for (let i = 0; i < b.keys.length; i++) {
          const k = b.keys[i] as K;
          let g = groups.get(k);
          if (!g) {
            g = [];
            for (let j = 0; j < n; j++) g.push([]);
            groups.set(k, g);
          }
          g[which]!.push(b.values[i]);
        }
      }
    });
    groups.forEach((g, k) => emit([k, g]));
  }
}
