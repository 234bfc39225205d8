import { KeyMap } from '../../util/keys.js';
import type { Partitioner } from '../partitioner.js';
import { RDD } from '../rdd.js';
import type { Emit, TaskContext } from '../task-context.js';
import { ShuffleDependency } from './shuffle-dependency.js';

/**
 * Groups several keyed RDDs by key: for each key, one array of values per parent, in parent order.
 * The basis of `cogroup` and of the four joins. As in Spark, a parent already placed by the same
 * partitioner is read partition by partition, without a shuffle (state joined with each batch).
 */
export class CoGroupedRDD<K> extends RDD<readonly [K, unknown[][]]> {
  /** Per parent: its shuffle, or undefined when it is read in place. */
  private readonly dependencies: (ShuffleDependency<K> | undefined)[];

  constructor(
    private readonly parents: readonly RDD<readonly [K, unknown]>[],
    partitioner: Partitioner,
  ) {
    const deps = parents.map((p) =>
      partitioner.equals(p.partitioner) ? undefined : new ShuffleDependency<K>(p, partitioner),
    );
    const narrow = parents.filter((_, i) => deps[i] === undefined);
    super(
      parents[0]!.context,
      narrow,
      deps.filter((d) => d !== undefined),
    );
    this.dependencies = deps;
    this.partitioner = partitioner;
  }

  get numPartitions(): number {
    return this.partitioner!.numPartitions;
  }

  protected get kind(): string {
    return 'cogroup';
  }

  protected compute(split: number, task: TaskContext, emit: Emit<readonly [K, unknown[][]]>): void {
    const n = this.parents.length;
    const groups = new KeyMap<K, unknown[][]>();
    const add = (which: number, k: K, v: unknown): void => {
      let g = groups.get(k);
      if (!g) {
        g = [];
        for (let j = 0; j < n; j++) g.push([]);
        groups.set(k, g);
      }
      g[which]!.push(v);
    };
    this.dependencies.forEach((dep, which) => {
      if (!dep) {
        this.parents[which]!.iterate(split, task, (kv) => add(which, kv[0], kv[1]));
        return;
      }
      for (const b of this.context.shuffleManager.read(dep.shuffleId, split)) {
        for (let i = 0; i < b.keys.length; i++) add(which, b.keys[i] as K, b.values[i]);
      }
    });
    groups.forEach((g, k) => emit([k, g]));
  }
}
