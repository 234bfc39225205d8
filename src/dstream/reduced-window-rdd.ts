import { DStreamError } from '../errors.js';
import { RDD, type Partitioner, type SparkContext, type TaskContext } from '../rdd/index.js';
import { KeyMap } from '../util/keys.js';
import type { Pair } from '../util/types.js';

/** The functions of an incremental window. */
export interface WindowFunctions<K, V> {
  reduce: (a: V, b: V) => V;
  invReduce: (a: V, b: V) => V;
  filter: ((kv: Pair<K, V>) => boolean) | undefined;
}

/** What one window is computed from; dropped once the window is materialised. */
interface WindowLineage<K, V> {
  previous: RDD<Pair<K, V>> | undefined;
  leaving: readonly RDD<Pair<K, V>>[];
  entering: readonly RDD<Pair<K, V>>[];
  fns: WindowFunctions<K, V>;
}

const HAS_PREVIOUS = 1;
const HAS_LEAVING = 2;
const HAS_ENTERING = 4;

/**
 * One window of an incremental `reduceByKeyAndWindow` (steps 4-6 of Spark's ReducedWindowedDStream):
 * for each key, the previous window's value, minus (`invReduce`) the reduced values of the batches
 * that left the window, plus (`reduce`) those of the batches that entered it, then the filter.
 *
 * The previous window and the per-batch reductions are all placed by the same partitioner, so
 * partition i reads only partition i of each: merging is narrow, and costs what the previous window
 * holds plus what entered and left, whatever the length of the window.
 *
 * Each window reads the one before, so the lineage would grow by one window per slide for the life
 * of the stream (Spark cuts it by checkpointing the RDD). Here the first task that asks for any
 * partition computes them all, keeps them, and forgets the RDDs it was computed from: a window then
 * holds its own data and nothing older, and old windows, batches and shuffle outputs can be
 * collected once the stream stops remembering them.
 */
export class ReducedWindowRDD<K, V> extends RDD<Pair<K, V>> {
  /** The same array as `narrowParents`: emptied when the lineage is cut. */
  private readonly parents: RDD<unknown>[];
  private lineage: WindowLineage<K, V> | undefined;
  private partitions: Pair<K, V>[][] | undefined;

  private constructor(
    context: SparkContext,
    readonly windowPartitioner: Partitioner,
    parents: RDD<unknown>[],
    lineage: WindowLineage<K, V> | undefined,
    partitions: Pair<K, V>[][] | undefined,
  ) {
    super(context, parents);
    this.parents = parents;
    this.lineage = lineage;
    this.partitions = partitions;
    this.partitioner = windowPartitioner;
  }

  /** The window computed from the previous one and the batches that left and entered it. */
  static merge<K, V>(
    context: SparkContext,
    partitioner: Partitioner,
    previous: RDD<Pair<K, V>> | undefined,
    leaving: readonly RDD<Pair<K, V>>[],
    entering: readonly RDD<Pair<K, V>>[],
    fns: WindowFunctions<K, V>,
  ): ReducedWindowRDD<K, V> {
    const parents: RDD<unknown>[] = [...leaving, ...entering];
    if (previous) parents.unshift(previous);
    return new ReducedWindowRDD(
      context,
      partitioner,
      parents,
      {
        previous,
        leaving,
        entering,
        fns,
      },
      undefined,
    );
  }

  /** A window given as data (restored from a checkpoint), placed by `partitioner`. */
  static fromPairs<K, V>(
    context: SparkContext,
    partitioner: Partitioner,
    pairs: Iterable<Pair<K, V>>,
  ): ReducedWindowRDD<K, V> {
    const partitions: Pair<K, V>[][] = [];
    for (let i = 0; i < partitioner.numPartitions; i++) partitions.push([]);
    for (const kv of pairs) partitions[partitioner.getPartition(kv[0])]!.push(kv);
    return new ReducedWindowRDD(context, partitioner, [], undefined, partitions);
  }

  get numPartitions(): number {
    return this.windowPartitioner.numPartitions;
  }

  protected get kind(): string {
    return 'reduceByKeyAndWindow';
  }

  /** Whether the window has been computed (and no longer refers to its lineage). */
  get isMaterialized(): boolean {
    return this.partitions !== undefined;
  }

  override iterate(split: number, task: TaskContext, emit: (item: Pair<K, V>) => void): void {
    const part = this.materialize(task)[split]!;
    for (let i = 0; i < part.length; i++) emit(part[i]!);
  }

  protected compute(split: number, task: TaskContext, emit: (item: Pair<K, V>) => void): void {
    this.iterate(split, task, emit);
  }

  private materialize(task: TaskContext): Pair<K, V>[][] {
    if (this.partitions) return this.partitions;
    const lineage = this.lineage!;
    const partitions: Pair<K, V>[][] = [];
    for (let i = 0; i < this.numPartitions; i++) partitions.push(mergePartition(lineage, i, task));
    this.partitions = partitions;
    this.lineage = undefined;
    this.parents.length = 0;
    return partitions;
  }
}

/** Partition `split` of a window: one pass over each input partition, one slot per key. */
function mergePartition<K, V>(
  lineage: WindowLineage<K, V>,
  split: number,
  task: TaskContext,
): Pair<K, V>[] {
  const { reduce, invReduce, filter } = lineage.fns;
  const index = new KeyMap<K, number>();
  const keys: K[] = [];
  const flags: number[] = [];
  const previous: V[] = [];
  const leaving: V[] = [];
  const entering: V[] = [];
  const slot = (k: K): number => {
    let s = index.get(k);
    if (s === undefined) {
      s = keys.length;
      index.set(k, s);
      keys.push(k);
      flags.push(0);
      previous.push(undefined as V);
      leaving.push(undefined as V);
      entering.push(undefined as V);
    }
    return s;
  };
  lineage.previous?.iterate(split, task, (kv) => {
    const s = slot(kv[0]);
    previous[s] = kv[1];
    flags[s]! |= HAS_PREVIOUS;
  });
  // Batch by batch in time order, so each side reduces as Spark's `values.reduce(reduceFunc)`.
  const fold = (values: V[], bit: number) => (kv: Pair<K, V>) => {
    const s = slot(kv[0]);
    const f = flags[s]!;
    values[s] = f & bit ? reduce(values[s]!, kv[1]) : kv[1];
    flags[s] = f | bit;
  };
  const foldLeaving = fold(leaving, HAS_LEAVING);
  for (const rdd of lineage.leaving) rdd.iterate(split, task, foldLeaving);
  const foldEntering = fold(entering, HAS_ENTERING);
  for (const rdd of lineage.entering) rdd.iterate(split, task, foldEntering);

  const out: Pair<K, V>[] = [];
  for (let s = 0; s < keys.length; s++) {
    const f = flags[s]!;
    let v: V;
    if (!(f & HAS_PREVIOUS)) {
      if (!(f & HAS_ENTERING)) {
        throw new DStreamError(
          'DSTREAM_ERR_WINDOW_KEY_MISSING',
          'Neither previous window has value for key, nor new values found. Are you sure your key class hashes consistently?',
        );
      }
      v = entering[s]!;
    } else {
      v = previous[s]!;
      if (f & HAS_LEAVING) v = invReduce(v, leaving[s]!);
      if (f & HAS_ENTERING) v = reduce(v, entering[s]!);
    }
    const kv: Pair<K, V> = [keys[s]!, v];
    if (!filter || filter(kv)) out.push(kv);
  }
  return out;
}
