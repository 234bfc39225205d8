// Partitions described as plain data, which whichever thread runs the task can read by itself: a
// slice of a text file, an offset range of a Kafka partition. An executor reads its split of a
// file or its offset range itself; so does a task thread here, instead of receiving the records
// from the driver.
//
// Kinds are open: a module registers the reader of its kind when it loads, and task threads load
// the same modules as the driver (they run the same application). A read may be asynchronous (a
// fetch from a broker) while computing a partition is synchronous; such a read suspends the task
// attempt: the attempt throws `PartitionNotReady`, the runner awaits the data and runs the task
// again, and the second attempt finds the records. A task may run more than once, as a Spark task
// may be retried: what it computes does not change.
//
// The registry and the attempt's data live on globalThis, so that two copies of dstream loaded in
// one thread share them.
import { DStreamError } from '../errors.js';

/** A partition as plain data: `kind` names its reader; the rest says which records it holds. */
export interface PartitionSource {
  /** The name of the reader that reads it (registered with `registerPartitionReader`). */
  readonly kind: string;
}

/**
 * Reads the partitions of one kind of {@link PartitionSource}, in any thread. `read` returns the
 * records, or a promise of them when they arrive asynchronously.
 */
export interface PartitionReader<S extends PartitionSource = PartitionSource, T = unknown> {
  /** The kind of partition source it reads. */
  readonly kind: S['kind'];
  /** The records of the partition `source` describes. */
  read(source: S): readonly T[] | Promise<readonly T[]>;
  /**
   * Releases what reads keep open between tasks (connections a reader caches), when a context
   * stops in this thread: an open socket would keep the process alive. Reads after it open anew.
   */
  close?(): Promise<void>;
}

const NOT_READY = Symbol.for('dstream.partitionNotReady');

/** Thrown by a read whose records are on their way; the task attempt is run again once they are. */
export class PartitionNotReady extends Error {
  readonly [NOT_READY] = true;

  constructor(
    readonly source: PartitionSource,
    readonly arrived: Promise<void>,
  ) {
    super(`partition ${JSON.stringify(source)} is being read`);
    this.name = 'PartitionNotReady';
  }
}

/**
 * Whether `e` is a {@link PartitionNotReady}, also one thrown by another copy of dstream loaded in
 * this thread (whose class `instanceof` would not recognise).
 */
export function isPartitionNotReady(e: unknown): e is PartitionNotReady {
  return typeof e === 'object' && e !== null && NOT_READY in e;
}

interface Shared {
  readonly readers: Map<string, PartitionReader>;
  /** The records read asynchronously for the task attempt now running, by source. */
  attempt: Map<string, readonly unknown[]> | undefined;
}

const SHARED = Symbol.for('dstream.partitionSources');
const holder = globalThis as { [SHARED]?: Shared };
const shared: Shared = (holder[SHARED] ??= { readers: new Map(), attempt: undefined });

/**
 * Makes partitions of `reader.kind` readable in this thread. Register at the top level of the
 * module that defines the RDD, so that every task thread, which loads the same modules, has it.
 */
export function registerPartitionReader<S extends PartitionSource, T>(
  reader: PartitionReader<S, T>,
): void {
  const known = shared.readers.get(reader.kind);
  if (known !== undefined && known !== (reader as unknown as PartitionReader)) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `A partition reader of kind '${reader.kind}' is already registered: give each kind of partition source its own name`,
    );
  }
  shared.readers.set(reader.kind, reader);
}

/** Closes what every reader of this thread keeps open between reads (see `PartitionReader.close`). */
export async function closePartitionReaders(): Promise<void> {
  const closing: Promise<void>[] = [];
  for (const reader of shared.readers.values()) if (reader.close) closing.push(reader.close());
  await Promise.all(closing);
}

/** Whether partitions of this kind can be read in this thread. */
export function hasPartitionReader(kind: string): boolean {
  return shared.readers.has(kind);
}

/**
 * The records of a partition source. A read that is asynchronous throws {@link PartitionNotReady}
 * the first time; within {@link runAttempts}, the next attempt gets its records.
 */
export function readPartitionSource<T>(source: PartitionSource): readonly T[] {
  const reader = shared.readers.get(source.kind);
  if (reader === undefined) {
    throw new DStreamError(
      'DSTREAM_ERR_UNKNOWN_PARTITION_SOURCE',
      `No reader of partition sources of kind '${source.kind}' is registered in this thread: import the module that registers it (registerPartitionReader) from the application`,
    );
  }
  const attempt = shared.attempt;
  const key = attempt && JSON.stringify(source);
  const arrived = key === undefined ? undefined : attempt!.get(key);
  if (arrived !== undefined) return arrived as readonly T[];
  const records = reader.read(source);
  if (!(records instanceof Promise)) return records as readonly T[];
  if (attempt === undefined) {
    records.catch(() => undefined);
    throw new DStreamError(
      'DSTREAM_ERR_ASYNC_READ_OUTSIDE_TASK',
      `Partition source of kind '${source.kind}' is read asynchronously outside a task: read it through an RDD action`,
    );
  }
  throw new PartitionNotReady(
    source,
    records.then((r) => void attempt.set(key!, r)),
  );
}

/**
 * Runs `task` until no partition it reads is on its way: an attempt that throws
 * {@link PartitionNotReady} is run again once the records have arrived (a task that reads n
 * asynchronous partitions runs at most n + 1 times). Records stay with this call, not the thread.
 */
export async function runAttempts<R>(task: () => R | Promise<R>): Promise<R> {
  const attempt = new Map<string, readonly unknown[]>();
  for (;;) {
    const outer = shared.attempt;
    shared.attempt = attempt;
    let result: R | Promise<R> | undefined;
    let arriving: Promise<void> | undefined;
    try {
      result = task();
    } catch (e) {
      if (!isPartitionNotReady(e)) throw e;
      arriving = e.arrived;
    } finally {
      // Only the synchronous part of an attempt computes partitions: other tasks run meanwhile.
      shared.attempt = outer;
    }
    if (arriving === undefined) return await (result as R | Promise<R>);
    await arriving;
  }
}
