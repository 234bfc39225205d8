import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DStreamError } from '../errors.js';
import { formatValue } from '../util/format.js';
import { KeyMap } from '../util/keys.js';
import type { PartitionSource } from './partition-source.js';
import type { Partitioner } from './partitioner.js';
import type { ShuffleDependency } from './shuffle/shuffle-dependency.js';
import type { SparkContext } from './spark-context.js';
import type { Emit, TaskContext } from './task-context.js';
import { currentCallSite, noteRddCreated } from './creation-scope.js';
import { CapturedCallSite } from '../util/call-site.js';
import { debugString } from './debug-string.js';
import { StorageLevel } from './storage-level.js';

/** Positions `start` (inclusive) to `end` (exclusive) of `items`. */
export interface ArraySlice<T> {
  readonly items: readonly T[];
  readonly start: number;
  readonly end: number;
}

/**
 * A Resilient Distributed Dataset: an immutable, partitioned collection computed lazily from its
 * lineage, as in Spark. Transformations (`map`, `filter`, `reduceByKey`...) build new RDDs and run
 * nothing; actions (`collect`, `count`, `foreachPartition`...) are async and run one task per
 * partition. Narrow transformations are fused: a partition flows through every `map`/`filter` of
 * a chain in one pass, with no intermediate arrays.
 *
 * @example
 * ```ts
 * const rdd = ssc.sparkContext.parallelize([1, 2, 3, 4], 2);
 * await rdd.map((x) => x * 10).collect(); // [10, 20, 30, 40]
 * ```
 */
export abstract class RDD<T> {
  /** A number unique among the RDDs of the context, in order of creation (Spark's `rdd.id`). */
  readonly id: number;
  /** The partitioner of a keyed RDD whose keys are placed by it (after a shuffle). */
  partitioner: Partitioner | undefined;
  private storageLevel = StorageLevel.NONE;
  private name: string | undefined;
  /** Where it was created: the user's call, or the stream that generated it. */
  private readonly creationSite: { readonly short: string };

  /** The context this RDD belongs to, by Spark's name (`rdd.sparkContext`); also `context`. */
  get sparkContext(): SparkContext {
    return this.context;
  }

  constructor(
    /** The {@link SparkContext} this RDD belongs to, as Spark's `rdd.context`. */
    readonly context: SparkContext,
    /** Parents whose partition i feeds this RDD's partition i (or a known set of them). */
    readonly narrowParents: readonly RDD<unknown>[],
    /** Shuffles this RDD reads from. */
    readonly shuffleDependencies: readonly ShuffleDependency[] = [],
  ) {
    this.id = context.newRddId();
    this.creationSite = currentCallSite() ?? new CapturedCallSite();
    noteRddCreated(this);
  }

  /** How many partitions this RDD has. */
  abstract get numPartitions(): number;

  /** Computes partition `split`, handing each element to `emit`. */
  protected abstract compute(split: number, task: TaskContext, emit: Emit<T>): void;

  /** A short description for `toString()`, such as `map`. */
  protected abstract get kind(): string;

  /** How many partitions the RDD has, as Spark's `getNumPartitions`. */
  getNumPartitions(): number {
    return this.numPartitions;
  }

  /**
   * Produces partition `split` (from the cache when this RDD is persisted). Operators call this on
   * their parents, never `compute`.
   */
  iterate(split: number, task: TaskContext, emit: Emit<T>): void {
    const remote = this.context.blockManager.remote;
    if (remote !== undefined && remote(this.id, split, emit as (item: unknown) => void)) return;
    if (this.storageLevel === StorageLevel.NONE) {
      this.compute(split, task, emit);
      return;
    }
    let block = this.context.blockManager.get<T>(this.id, split);
    if (block === undefined) {
      block = [];
      const out = block;
      this.compute(split, task, (x) => out.push(x));
      this.context.blockManager.put(this.id, split, block, this.storageLevel);
    }
    for (let i = 0; i < block.length; i++) emit(block[i]!);
  }

  /**
   * Partition `split` as an array.
   * @internal
   */
  partitionArray(split: number, task: TaskContext): T[] {
    const out: T[] = [];
    this.iterate(split, task, (x) => out.push(x));
    return out;
  }

  /**
   * Partition `split` as positions `start` to `end` of an array nobody may modify: the records
   * themselves when this RDD holds them (parallelized data, received blocks, a cached partition),
   * so that shipping them to a task thread copies nothing first; otherwise computed into a new
   * array.
   * @internal
   */
  partitionSlice(split: number, task: TaskContext): ArraySlice<T> {
    const held = this.isPersisted ? this.context.blockManager.get<T>(this.id, split) : undefined;
    const items = held ?? this.heldPartition(split) ?? this.partitionArray(split, task);
    return 'items' in items ? items : { items, start: 0, end: items.length };
  }

  /**
   * Partition `split` as plain data that any thread can read by itself (a slice of a file, an
   * offset range), instead of receiving its records from the driver; `undefined` when only the
   * driver can compute it. An RDD that returns one reads it in `compute` with
   * `readPartitionSource`, and registers the reader of its kind (`registerPartitionReader`).
   */
  partitionSource(_split: number): PartitionSource | undefined {
    return undefined;
  }

  /**
   * Whether this RDD has asynchronous work to do, on the driver, before its partitions can be
   * computed ({@link prepare}); such an RDD is never recomputed by a task thread.
   */
  get needsPreparation(): boolean {
    return false;
  }

  /**
   * The asynchronous work announced by {@link needsPreparation}. The scheduler awaits it, for every
   * RDD of a job's lineage, parents first, before it runs the job's stages.
   */
  prepare(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * The records of partition `split` when this RDD holds them in memory (see partitionSlice).
   * @internal
   */
  protected heldPartition(_split: number): ArraySlice<T> | readonly T[] | undefined {
    return undefined;
  }

  /**
   * Keeps computed partitions at `level` (default `MEMORY_ONLY`: the records in memory), so later
   * actions reuse them, as Spark's `persist`. {@link StorageLevel} says what each level does
   * here. As in Spark, an RDD's level is set once: another level throws `Cannot change storage
   * level of an RDD after it was already assigned a level` (`unpersist()` first).
   *
   * @example
   * ```ts
   * const words = sc.textFile('input.txt').flatMap((l) => l.split(' ')).persist(StorageLevel.MEMORY_ONLY_SER);
   * await words.count(); // computes and stores the partitions, serialised
   * await words.distinct().count(); // reads them back
   * ```
   */
  persist(level: StorageLevel = StorageLevel.MEMORY_ONLY): this {
    if (this.storageLevel !== StorageLevel.NONE && !level.equals(this.storageLevel)) {
      throw new DStreamError(
        'DSTREAM_ERR_STORAGE_LEVEL_CHANGED',
        'Cannot change storage level of an RDD after it was already assigned a level: call unpersist() first',
      );
    }
    this.storageLevel = level.isValid ? level : StorageLevel.NONE;
    return this;
  }

  /** `persist(StorageLevel.MEMORY_ONLY)`. */
  cache(): this {
    return this.persist();
  }

  /** Drops the stored partitions (and their files) and the storage level. */
  unpersist(): this {
    this.storageLevel = StorageLevel.NONE;
    this.context.blockManager.remove(this.id);
    return this;
  }

  /** The storage level: `StorageLevel.NONE` when not persisted, as Spark's `getStorageLevel`. */
  getStorageLevel(): StorageLevel {
    return this.storageLevel;
  }

  /** Whether `persist()`/`cache()` was called and not undone by `unpersist()`. */
  get isPersisted(): boolean {
    return this.storageLevel !== StorageLevel.NONE;
  }

  /** Names the RDD, as Spark's `setName`: `toString()` and the UI show it. */
  setName(name: string): this {
    this.name = name;
    return this;
  }

  /**
   * This RDD and its lineage, one line per RDD, in Spark's format: the partition count in
   * parentheses where a stage starts, `+-` at each shuffle, `|` along a stage, and the storage
   * level of persisted RDDs in brackets.
   *
   * @example
   * ```ts
   * console.log(sc.parallelize(['a b', 'b'], 2).flatMap((l) => l.split(' '))
   *   .map((w) => [w, 1] as const).reduceByKey((a, b) => a + b).toDebugString());
   * // (2) ShuffledRDD[3] at reduceByKey at app.ts:3 []
   * //  +-(2) MappedRDD[2] at map at app.ts:3 []
   * //     |  FlatMappedRDD[1] at flatMap at app.ts:3 []
   * //     |  ParallelCollectionRDD[0] at parallelize at app.ts:3 []
   * ```
   */
  toDebugString(): string {
    return debugString(this);
  }

  /**
   * Spark's description of this RDD in `toDebugString`: `[name ]Class[id] at <call site>`.
   * @internal
   */
  describe(): string {
    const name = this.name === undefined ? '' : `${this.name} `;
    const site = this.creationSite.short;
    return `${name}${this.constructor.name}[${this.id}] at ${site === 'unknown' ? `${this.kind} at unknown` : site}`;
  }

  /** `<name>[<id>] at <operation>`, as Spark's: `MapPartitionsRDD[4] at map`. */
  toString(): string {
    return `${this.name ?? this.constructor.name}[${this.id}] at ${this.kind}`;
  }

  // ---------------------------------------------------------------- actions

  /** All elements, in partition order. */
  async collect(): Promise<T[]> {
    const parts = await this.context.runJob(this, (items) => items);
    const out: T[] = [];
    for (const p of parts) for (let i = 0; i < p.length; i++) out.push(p[i]!);
    return out;
  }

  /** How many elements the RDD has (one task per partition). */
  async count(): Promise<number> {
    const counts = await this.context.runJob(this, (items) => items.length);
    let n = 0;
    for (const c of counts) n += c;
    return n;
  }

  /** The first `num` elements, scanning as few partitions as needed. */
  async take(num: number): Promise<T[]> {
    const out: T[] = [];
    if (num <= 0) return out;
    let next = 0;
    let batch = 1;
    while (out.length < num && next < this.numPartitions) {
      const partitions: number[] = [];
      for (let i = 0; i < batch && next < this.numPartitions; i++) partitions.push(next++);
      const parts = await this.context.runJob(this, (items) => items, partitions);
      for (const part of parts) {
        for (const x of part) {
          if (out.length >= num) break;
          out.push(x);
        }
      }
      batch *= 4;
    }
    return out;
  }

  /**
   * The first element; rejects with `empty collection` (`DSTREAM_ERR_EMPTY_COLLECTION`) on an empty RDD, as Spark throws.
   */
  async first(): Promise<T> {
    const head = await this.take(1);
    if (head.length === 0)
      throw new DStreamError('DSTREAM_ERR_EMPTY_COLLECTION', 'empty collection');
    return head[0] as T;
  }

  /** Whether the RDD has no element, reading as few partitions as `take(1)` does. */
  async isEmpty(): Promise<boolean> {
    return this.numPartitions === 0 || (await this.take(1)).length === 0;
  }

  /** Reduces all elements with an associative and commutative function. */
  async reduce(f: (a: T, b: T) => T): Promise<T> {
    const partials = await this.context.runJob(this, (items) => {
      if (items.length === 0) return { empty: true as const };
      let acc = items[0] as T;
      for (let i = 1; i < items.length; i++) acc = f(acc, items[i] as T);
      return { empty: false as const, value: acc };
    });
    let acc: { value: T } | undefined;
    for (const p of partials) {
      if (p.empty) continue;
      acc = acc ? { value: f(acc.value, p.value) } : { value: p.value };
    }
    if (!acc) throw new DStreamError('DSTREAM_ERR_EMPTY_COLLECTION', 'empty collection');
    return acc.value;
  }

  /**
   * Folds each partition from `zeroValue`, then the partitions' results from `zeroValue`, as Spark's `fold` (`zeroValue` is used once per partition and once more: make it neutral for `f`).
   */
  async fold(zeroValue: T, f: (a: T, b: T) => T): Promise<T> {
    const partials = await this.context.runJob(this, (items) => {
      let acc = zeroValue;
      for (const x of items) acc = f(acc, x);
      return acc;
    });
    let acc = zeroValue;
    for (const p of partials) acc = f(acc, p);
    return acc;
  }

  /** Calls `f` on every element. */
  async foreach(f: (item: T) => void): Promise<void> {
    await this.context.runJob(this, (items) => {
      for (const x of items) f(x);
    });
  }

  /**
   * Calls `f` once per partition with its elements; `f` may be async (write a partition to a
   * database in one round trip, as the seed's `foreachPartition` does).
   */
  async foreachPartition(f: (items: Iterable<T>) => void | Promise<unknown>): Promise<void> {
    await this.context.runJob(this, (items) => f(items));
  }

  /** How many times each distinct element occurs (elements compared by value). */
  async countByValue(): Promise<Map<T, number>> {
    const partials = await this.context.runJob(this, (items) => {
      const m = new KeyMap<T, number>();
      for (const x of items) m.set(x, (m.get(x) ?? 0) + 1);
      return m;
    });
    const total = new KeyMap<T, number>();
    for (const m of partials) m.forEach((c, k) => total.set(k, (total.get(k) ?? 0) + c));
    return new Map(total.entries());
  }

  /**
   * Writes one text file per partition (`part-00000`, `part-00001`...) into directory `path`, one
   * element per line, then an empty `_SUCCESS` marker, as Hadoop's output committer does. Fails if
   * the directory exists.
   */
  async saveAsTextFile(path: string): Promise<void> {
    if (await exists(path)) {
      throw new DStreamError(
        'DSTREAM_ERR_OUTPUT_PATH',
        `Output directory ${path} already exists: choose another path or delete it first`,
      );
    }
    await this.writeTextFiles(path);
  }

  /** As `saveAsTextFile`, replacing the directory if it exists (used by streaming outputs). */
  async writeTextFiles(path: string): Promise<void> {
    const temporary = join(path, '_temporary');
    await rm(path, { recursive: true, force: true });
    await mkdir(temporary, { recursive: true });
    const names = await this.context.runJob(this, async (items, partition) => {
      const name = `part-${String(partition).padStart(5, '0')}`;
      let text = '';
      for (const x of items) text += formatValue(x) + '\n';
      await writeFile(join(temporary, name), text);
      return name;
    });
    for (const name of names) await rename(join(temporary, name), join(path, name));
    await rm(temporary, { recursive: true, force: true });
    await writeFile(join(path, '_SUCCESS'), '');
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
