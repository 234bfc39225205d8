import { tmpdir } from 'node:os';
import { DStreamError } from '../errors.js';
import { setLogLevel } from '../util/logging.js';
import { applicationSettings } from '../util/submitted-conf.js';
import { BlockManager } from './block-manager.js';
import {
  AccumulatorV2,
  CollectionAccumulator,
  DoubleAccumulator,
  LongAccumulator,
} from './accumulator.js';
import { Broadcast, type BroadcastFetcher } from './broadcast.js';
import type { AccumulatorUpdate } from './task-updates.js';
import { parseMaster } from './master.js';
import { AsyncRDD } from './narrow/async-rdd.js';
import { BlockRDD } from './narrow/block-rdd.js';
import { ParallelCollectionRDD } from './narrow/parallel-collection-rdd.js';
import { TextFileRDD } from './narrow/text-file-rdd.js';
import { unionOf } from './narrow/union-rdd.js';
import { checkPartitionCount } from './partitioner.js';
import { closePartitionReaders } from './partition-source.js';
import { runStopHooks } from './stop-hooks.js';
import type { RDD } from './rdd.js';
import { DAGScheduler } from './scheduler/dag-scheduler.js';
import { InlineTaskRunner, type TaskRunner } from './scheduler/task-runner.js';
import { ShuffleManager } from './shuffle/shuffle-manager.js';

/** What `new SparkContext(options)` takes (a `StreamingContext` makes its own from its options). */
export interface SparkContextOptions {
  /** `local`, `local[N]` or `local[*]`; when left out, `dstream run --master`, else `local[*]`. */
  master?: string;
  /** When left out, `dstream run --name`, else the application file's name. */
  appName?: string;
  /** Settings; they win over those given to `dstream run` (`--conf`, `--properties-file`). */
  conf?: Readonly<Record<string, string>>;
  /** Runs tasks; the inline runner (main thread) by default. */
  taskRunner?: TaskRunner;
}

/**
 * The entry point of the RDD layer, as Spark's `SparkContext`: makes RDDs from local data and
 * files, runs their jobs, and holds the cached partitions and shuffle outputs.
 *
 * @example
 * ```ts
 * const sc = ssc.sparkContext;
 * const words = sc.parallelize(['a', 'b', 'a'], 2);
 * await words.countByValue(); // Map { 'a' => 2, 'b' => 1 }
 * ```
 */
export class SparkContext {
  /** The master it was created with: `local`, `local[N]` or `local[*]`. */
  readonly master: string;
  /** The application's name (`spark.app.name`). */
  readonly appName: string;
  /** Every `spark.*` setting given, as Spark's `getConf`. */
  readonly conf: ReadonlyMap<string, string>;
  /** Task slots given by the master (`local[N]` → N). */
  readonly cores: number;
  /** @internal */
  readonly blockManager: BlockManager;
  /** @internal */
  readonly shuffleManager = new ShuffleManager();
  private readonly scheduler: DAGScheduler;
  private readonly runner: TaskRunner;
  private nextRddId = 0;
  private stopped = false;
  private readonly broadcasts = new Map<number, Broadcast<unknown>>();
  private readonly accumulators = new Map<number, AccumulatorV2<unknown, unknown>>();
  /**
   * In a task thread: reads a broadcast value from the driver (set by the thread's runtime).
   * @internal
   */
  broadcastFetcher: BroadcastFetcher | undefined;

  constructor(options: SparkContextOptions) {
    const { master, appName, conf } = applicationSettings(options);
    this.master = master;
    this.appName = appName;
    this.conf = new Map(Object.entries(conf));
    this.cores = parseMaster(master);
    // Where DISK_ONLY partitions go: Spark's `spark.local.dir`, else the system's temporary one.
    this.blockManager = new BlockManager(this.conf.get('spark.local.dir') ?? tmpdir());
    this.runner = options.taskRunner ?? new InlineTaskRunner();
    this.scheduler = new DAGScheduler(this.runner, this.shuffleManager, this.blockManager);
  }

  /** Partitions of keyed operations when none is given: `spark.default.parallelism`, else the cores. */
  get defaultParallelism(): number {
    const configured = this.conf.get('spark.default.parallelism');
    return configured === undefined ? this.cores : Number(configured);
  }

  /** Whether `stop()` was called. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * A copy of the settings, as Spark's `getConf` clones its SparkConf: what
   * `SparkSession.builder().config(rdd.sparkContext.getConf())` (dstream/sql) reads.
   */
  getConf(): Map<string, string> {
    return new Map(this.conf);
  }

  /** Distributes a local array into `numSlices` partitions by position (Spark's slicing). */
  parallelize<T>(data: readonly T[], numSlices: number = this.defaultParallelism): RDD<T> {
    this.assertNotStopped();
    checkPartitionCount(numSlices);
    return new ParallelCollectionRDD(this, data, numSlices);
  }

  /**
   * An RDD of what an asynchronous function produces (a query on an external engine, a lookup in
   * a store), cut into `numSlices` partitions by position. The function runs once, on the driver,
   * when the first job that reads the RDD starts, and may run jobs itself. Returned from a
   * `transform` function, it is how a stream does asynchronous work per batch.
   *
   * @example
   * ```ts
   * const lookUpRegion = async (order: Order) => (order.province === 'ON' ? 'east' : 'west');
   * const enriched = orders.transform((rdd) =>
   *   rdd.context.fromAsync(async () => {
   *     const rows = await rdd.collect();
   *     return Promise.all(rows.map(async (row) => ({ ...row, region: await lookUpRegion(row) })));
   *   }),
   * );
   * ```
   */
  fromAsync<T>(produce: () => Promise<readonly T[]>, numSlices = 1): RDD<T> {
    this.assertNotStopped();
    checkPartitionCount(numSlices);
    return new AsyncRDD(this, produce, numSlices);
  }

  /** The lines of a text file, or of the files of a directory. */
  textFile(path: string, minPartitions = Math.min(this.defaultParallelism, 2)): RDD<string> {
    this.assertNotStopped();
    return new TextFileRDD(this, path, minPartitions);
  }

  /** An RDD with no partitions. */
  emptyRDD<T>(): RDD<T> {
    this.assertNotStopped();
    return new BlockRDD<T>(this, [], 'emptyRDD');
  }

  /** An RDD whose partitions are the given arrays. */
  fromPartitions<T>(partitions: readonly (readonly T[])[]): RDD<T> {
    this.assertNotStopped();
    return new BlockRDD<T>(this, partitions, 'partitions');
  }

  /**
   * The elements of all the RDDs, as Spark's `union`: RDDs with no partition are left out, and RDDs
   * placed by one same partitioner keep it (partition i is partition i of each).
   */
  union<T>(rdds: readonly RDD<T>[]): RDD<T> {
    this.assertNotStopped();
    return unionOf(this, rdds);
  }

  /**
   * A read-only variable shipped to each task thread once, as Spark's `broadcast`: see
   * {@link Broadcast}.
   *
   * @example
   * ```ts
   * const rates = sc.broadcast(new Map([['EUR', 1.08], ['GBP', 1.27]]));
   * const inUsd = pairs.map(([currency, amount]) => amount * (rates.value.get(currency) ?? 1));
   * ```
   */
  broadcast<T>(value: T): Broadcast<T> {
    this.assertNotStopped();
    const b = new Broadcast<T>(
      this.broadcasts.size,
      value,
      () => this.broadcastFetcher,
      (id) => this.runner.dropBroadcast?.(id),
    );
    this.broadcasts.set(b.id, b);
    return b;
  }

  /**
   * Registers an accumulator (Spark's `register`), so that tasks' updates reach it: see
   * {@link AccumulatorV2}.
   */
  register<A extends AccumulatorV2<never, unknown>>(acc: A, name?: string): A {
    const id = this.accumulators.size;
    acc.registerAs(id, name);
    this.accumulators.set(id, acc);
    return acc;
  }

  /** A registered {@link LongAccumulator}, as Spark's `longAccumulator(name)`. */
  longAccumulator(name?: string): LongAccumulator {
    return this.register(new LongAccumulator(), name);
  }

  /** A registered {@link DoubleAccumulator}, as Spark's `doubleAccumulator(name)`. */
  doubleAccumulator(name?: string): DoubleAccumulator {
    return this.register(new DoubleAccumulator(), name);
  }

  /** A registered {@link CollectionAccumulator}, as Spark's `collectionAccumulator(name)`. */
  collectionAccumulator<T>(name?: string): CollectionAccumulator<T> {
    return this.register(new CollectionAccumulator<T>(), name);
  }

  /**
   * The driver's broadcast `id`, for a task thread that asks for its value.
   * @internal
   */
  broadcastById(id: number): Broadcast<unknown> | undefined {
    return this.broadcasts.get(id);
  }

  /**
   * In a task thread: forgets the value of broadcast `id` fetched from the driver.
   * @internal
   */
  dropBroadcastCopy(id: number): void {
    this.broadcasts.get(id)?.dropCopy();
  }

  /**
   * Merges the accumulator updates of a task a thread ran successfully.
   * @internal
   */
  mergeAccumulatorUpdates(updates: readonly AccumulatorUpdate[]): void {
    for (const { id, state } of updates) {
      const acc = this.accumulators.get(id);
      if (!acc) {
        throw new DStreamError(
          'DSTREAM_ERR_ACCUMULATOR',
          `A task thread updated accumulator ${id}, which the driver does not have: create accumulators at the top level of the application, in the same order in every thread`,
        );
      }
      const copy = acc.copyAndReset();
      Object.assign(copy, state);
      acc.merge(copy);
    }
  }

  /**
   * Sets the level of dstream's log, as Spark's `setLogLevel`: one of `ALL`, `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `FATAL`, `OFF`.
   */
  setLogLevel(level: string): void {
    setLogLevel(level);
  }

  /** Runs `func` on each partition of `rdd` (all, or those listed) and returns the results. */
  runJob<T, U>(
    rdd: RDD<T>,
    func: (items: T[], partition: number) => U | Promise<U>,
    partitions?: readonly number[],
  ): Promise<U[]> {
    if (this.stopped) {
      return Promise.reject(
        new DStreamError(
          'DSTREAM_ERR_CONTEXT_STOPPED',
          'SparkContext has been shutdown: run actions before stopping the context, or create a new one.',
        ),
      );
    }
    return this.scheduler.runJob(rdd, func, partitions);
  }

  /** Spark's check that a stopped context makes no more RDDs. */
  private assertNotStopped(): void {
    if (this.stopped) {
      throw new DStreamError(
        'DSTREAM_ERR_CONTEXT_STOPPED',
        'Cannot call methods on a stopped SparkContext. Create a new StreamingContext (or stop it with stopSparkContext: false to keep using its SparkContext).',
      );
    }
  }

  /** @internal */
  newRddId(): number {
    return this.nextRddId++;
  }

  /**
   * Stops the context: drops cached partitions and shuffle data, ends the task threads and closes readers. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.blockManager.clear();
    this.shuffleManager.clear();
    await this.runner.close();
    await closePartitionReaders();
    await runStopHooks();
  }
}
