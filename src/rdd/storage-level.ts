/**
 * How a persisted RDD keeps its partitions, with Spark's names and flags (`useDisk`, `useMemory`,
 * `useOffHeap`, `deserialized`, `replication`). What dstream does with each, on one machine:
 *
 * - `MEMORY_ONLY` (an RDD's `persist()`/`cache()`) and `MEMORY_AND_DISK`: the records themselves,
 *   in memory. dstream has no memory manager, so `MEMORY_AND_DISK` never spills to disk.
 * - `MEMORY_ONLY_SER`, `MEMORY_AND_DISK_SER` and `OFF_HEAP`: each partition serialised (Node's
 *   `v8.serialize`, the structured clone format) into one Buffer, outside the JavaScript heap, and
 *   deserialised at every read, so a reader gets fresh copies. Records must be plain data
 *   (primitives, arrays, plain objects, Map, Set, Date, typed arrays, Buffers); others fail with
 *   `DSTREAM_ERR_NOT_SERIALIZABLE`, as Spark fails on a record that is not serialisable.
 * - `DISK_ONLY`: each partition serialised into a file under `spark.local.dir` (the system's
 *   temporary directory by default), read back at every read, deleted by `unpersist()` and when
 *   the context stops.
 * - `_2`/`_3` (replication): there is one process, so one copy; the replication is kept, shown by
 *   `getStorageLevel()` and `toDebugString()`, and does nothing else.
 * - `NONE`: not persisted.
 *
 * @example
 * ```ts
 * const parsed = lines.map((l) => l.split(',')).persist(StorageLevel.MEMORY_ONLY_SER);
 * parsed.getStorageLevel().description; // 'Memory Serialized 1x Replicated'
 * ```
 */
export class StorageLevel {
  /** Not persisted: every job computes the RDD again. */
  static readonly NONE = new StorageLevel(false, false, false, false);
  /** Each partition serialised to a file under `spark.local.dir`. */
  static readonly DISK_ONLY = new StorageLevel(true, false, false, false);
  /** `DISK_ONLY`; the replication is recorded, there being one process. */
  static readonly DISK_ONLY_2 = new StorageLevel(true, false, false, false, 2);
  /** `DISK_ONLY`; the replication is recorded, there being one process. */
  static readonly DISK_ONLY_3 = new StorageLevel(true, false, false, false, 3);
  /** The records as they are, in memory (Spark's default for `rdd.persist()`). */
  static readonly MEMORY_ONLY = new StorageLevel(false, true, false, true);
  /** `MEMORY_ONLY`; the replication is recorded, there being one process. */
  static readonly MEMORY_ONLY_2 = new StorageLevel(false, true, false, true, 2);
  /** Each partition serialised into one Buffer in memory (`v8.serialize`). */
  static readonly MEMORY_ONLY_SER = new StorageLevel(false, true, false, false);
  /** `MEMORY_ONLY_SER`; the replication is recorded, there being one process. */
  static readonly MEMORY_ONLY_SER_2 = new StorageLevel(false, true, false, false, 2);
  /** In memory, as `MEMORY_ONLY`: nothing spills to disk, there being no memory manager. */
  static readonly MEMORY_AND_DISK = new StorageLevel(true, true, false, true);
  /** `MEMORY_AND_DISK`; the replication is recorded, there being one process. */
  static readonly MEMORY_AND_DISK_2 = new StorageLevel(true, true, false, true, 2);
  /** Serialised in memory, as `MEMORY_ONLY_SER`: nothing spills to disk. */
  static readonly MEMORY_AND_DISK_SER = new StorageLevel(true, true, false, false);
  /** `MEMORY_AND_DISK_SER`; the replication is recorded, there being one process. */
  static readonly MEMORY_AND_DISK_SER_2 = new StorageLevel(true, true, false, false, 2);
  /** Serialised into Buffers (memory outside the JS heap), as `MEMORY_ONLY_SER`. */
  static readonly OFF_HEAP = new StorageLevel(true, true, true, false, 1);

  /** A level of these flags, as Spark's `StorageLevel(useDisk, useMemory, ...)`. */
  constructor(
    /** Whether partitions go to files. */
    readonly useDisk: boolean,
    /** Whether partitions are kept in memory. */
    readonly useMemory: boolean,
    /** Whether the memory is outside the JS heap (Buffers). */
    readonly useOffHeap: boolean,
    /** Whether records are kept as they are (`true`) or serialised (`false`). */
    readonly deserialized: boolean,
    /** Spark's copy count: recorded and shown; one process keeps one copy. */
    readonly replication = 1,
  ) {}

  /** The level of one of Spark's names (`'MEMORY_ONLY_SER'`), as `StorageLevel.fromString`. */
  static fromString(name: string): StorageLevel {
    const level = LEVELS_BY_NAME.get(name);
    if (!level) throw new TypeError(`Invalid StorageLevel: ${name}`);
    return level;
  }

  /** Whether the level keeps anything (not `NONE`), as Spark's `isValid`. */
  get isValid(): boolean {
    return (this.useMemory || this.useDisk) && this.replication > 0;
  }

  /** Spark's description: `Memory Deserialized 1x Replicated`, `Disk Serialized 1x Replicated`. */
  get description(): string {
    let result = this.useDisk ? 'Disk ' : '';
    if (this.useMemory) result += this.useOffHeap ? 'Memory (off heap) ' : 'Memory ';
    result += this.deserialized ? 'Deserialized ' : 'Serialized ';
    return `${result}${this.replication}x Replicated`;
  }

  /** Whether `other` has the same flags and replication, as Spark's `equals`. */
  equals(other: StorageLevel): boolean {
    return (
      this.useDisk === other.useDisk &&
      this.useMemory === other.useMemory &&
      this.useOffHeap === other.useOffHeap &&
      this.deserialized === other.deserialized &&
      this.replication === other.replication
    );
  }

  /** Spark's `StorageLevel(disk, memory, deserialized, 1 replicas)`. */
  toString(): string {
    const parts = [
      this.useDisk ? 'disk' : '',
      this.useMemory ? 'memory' : '',
      this.useOffHeap ? 'offheap' : '',
      this.deserialized ? 'deserialized' : '',
      `${this.replication} replicas`,
    ].filter((p) => p !== '');
    return `StorageLevel(${parts.join(', ')})`;
  }
}

const LEVELS_BY_NAME = new Map<string, StorageLevel>(
  (
    [
      'NONE',
      'DISK_ONLY',
      'DISK_ONLY_2',
      'DISK_ONLY_3',
      'MEMORY_ONLY',
      'MEMORY_ONLY_2',
      'MEMORY_ONLY_SER',
      'MEMORY_ONLY_SER_2',
      'MEMORY_AND_DISK',
      'MEMORY_AND_DISK_2',
      'MEMORY_AND_DISK_SER',
      'MEMORY_AND_DISK_SER_2',
      'OFF_HEAP',
    ] as const
  ).map((name) => [name, StorageLevel[name]]),
);
