// Messages between the driver and its task threads. Data moves as whole blocks (a partition, the
// buckets of a map task): one structured clone per block, never one message per record.
import { DStreamError, ErrorCodes, type ErrorCode } from '../../errors.js';
import type { PartitionSource } from '../../rdd/partition-source.js';
import type { ShuffleBucket } from '../../rdd/shuffle/shuffle-dependency.js';
import type { AccumulatorUpdate } from '../../rdd/task-updates.js';
import type { MapTarget, ShippedRdd } from './lineage.js';
import type { RddOrigin } from './origin.js';
import type { ProvidedRdd } from './runtime.js';

/** The driver's shuffle ids of an RDD that reads shuffles, by dependency index. */
export interface ShuffleLink {
  readonly origin: RddOrigin;
  readonly shuffleIds: readonly number[];
}

/** Run a map task of a shuffle: replay a stream, split a partition of its map side. */
export interface MapTaskMessage {
  readonly type: 'mapTask';
  readonly taskId: number;
  readonly zeroTimeMs: number;
  /** What to replay; its class is the driver's, to detect a replay that built something else. */
  readonly target: MapTarget;
  readonly mapPartitions: number;
  readonly partition: number;
  readonly stageId: number;
  readonly provided: readonly ProvidedRdd[];
  readonly shipped: readonly ShippedRdd[];
  readonly shuffles: readonly ShuffleLink[];
  /** The map side's shape on the driver (see `walkMapSide`). */
  readonly shape: string;
}

/** Forget the copy of broadcast `id` fetched from the driver (unpersisted or destroyed). */
export interface DropBroadcastMessage {
  readonly type: 'dropBroadcast';
  readonly id: number;
}

export type ToWorker = MapTaskMessage | DropBroadcastMessage;

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'bootFailed'; readonly error: SerializedError }
  | {
      readonly type: 'done';
      readonly taskId: number;
      readonly buckets: ShuffleBucket[];
      /** What the task added to accumulators: the driver merges it as the task succeeds. */
      readonly accumulators: AccumulatorUpdate[];
    }
  | { readonly type: 'failed'; readonly taskId: number; readonly error: SerializedError }
  /** The replay did not build what the driver has: the driver runs the task itself. */
  | { readonly type: 'mismatch'; readonly taskId: number; readonly reason: string }
  | FetchRequest;

/**
 * Asks the driver for a block; the answer comes on the reply port, in request order (see
 * worker-main.ts). A partition comes as chunks ({@link PartitionChunk}): the first with
 * `fetchPartition`, the next ones with `fetchChunk` from the offset reached.
 */
export type FetchRequest =
  | { readonly type: 'fetchPartition'; readonly rddId: number; readonly split: number }
  | {
      readonly type: 'fetchChunk';
      readonly rddId: number;
      readonly split: number;
      readonly offset: number;
    }
  | { readonly type: 'fetchShuffle'; readonly shuffleId: number; readonly reduceId: number }
  /** The driver's value of a broadcast variable (once per thread, see rdd/broadcast.ts). */
  | { readonly type: 'fetchBroadcast'; readonly id: number };

/** Part of a partition: its records from `offset` on, and the length of the whole partition. */
export interface PartitionChunk {
  readonly items: unknown[];
  readonly offset: number;
  readonly total: number;
  /**
   * The records are Buffers (received bytes): they cross as Uint8Arrays over the same memory and
   * become Buffers again on the other side, without a copy.
   */
  readonly buffers: boolean;
  /** Instead of records: the thread reads the partition itself (a slice of a file...). */
  readonly source?: PartitionSource;
}

/**
 * Elements per chunk of a partition: small enough that a thread starts computing soon (the
 * driver serialises about 7 M short strings per second), large enough that messages stay few.
 */
export const CHUNK_SIZE = 16_384;

/** Chunks a thread asks for ahead of the one it computes (rides out short pauses of the driver). */
export const CHUNKS_AHEAD = 2;

export type FetchReply =
  | { readonly ok: true; readonly data: unknown }
  /** `unsupported`: the block cannot cross threads; the task should run on the driver. */
  | { readonly ok: false; readonly error: SerializedError; readonly unsupported: boolean };

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: string | undefined;
  readonly cause: SerializedError | undefined;
}

/** An error as plain data (its class, message, stack, dstream code and cause survive). */
export function serializeError(e: unknown, depth = 0): SerializedError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return {
      name: e.name,
      message: e.message,
      stack: e.stack,
      code: typeof code === 'string' ? code : undefined,
      cause: e.cause !== undefined && depth < 4 ? serializeError(e.cause, depth + 1) : undefined,
    };
  }
  return { name: 'Error', message: String(e), stack: undefined, code: undefined, cause: undefined };
}

const BUILTIN_ERRORS: Record<string, new (message: string) => Error> = {
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** The error a task thread threw, rebuilt on the driver with the same class name and message. */
export function deserializeError(s: SerializedError): Error {
  const cause = s.cause && deserializeError(s.cause);
  let e: Error;
  if (s.name === 'DStreamError' && s.code !== undefined && s.code in ErrorCodes) {
    e = new DStreamError(s.code as ErrorCode, s.message, { cause });
  } else {
    const Ctor = BUILTIN_ERRORS[s.name];
    e = Ctor ? new Ctor(s.message) : new Error(s.message);
    if (!Ctor) e.name = s.name;
    if (cause !== undefined) e.cause = cause;
    if (s.code !== undefined) (e as { code?: string }).code = s.code;
  }
  if (s.stack !== undefined) e.stack = s.stack;
  return e;
}

/** How many elements of an array the sample takes: every element of a tuple. */
const SAMPLED_ELEMENTS = 8;

/**
 * Whether a structured clone of `x` is an equivalent value, judged on a sample (the value, the
 * first elements of an array, the first entry of a Map or Set, and every field of a plain object,
 * since the fields and tuple slots of a record differ in kind): plain data is, instances of user classes (which arrive as plain objects,
 * without their methods) and Buffers (which arrive as Uint8Arrays) are not.
 */
export function clonesFaithfully(x: unknown, depth = 0): boolean {
  if (typeof x === 'function' || typeof x === 'symbol') return false;
  if (typeof x !== 'object' || x === null || depth > 4) return true;
  if (Array.isArray(x)) {
    // The first few elements: all of a tuple such as a [key, value] pair, a sample of a list.
    for (let i = 0; i < Math.min(x.length, SAMPLED_ELEMENTS); i++) {
      if (!clonesFaithfully(x[i], depth + 1)) return false;
    }
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(x);
  if (proto === Object.prototype || proto === null) {
    for (const k in x) {
      if (!clonesFaithfully((x as Record<string, unknown>)[k], depth + 1)) return false;
    }
    return true;
  }
  if (x instanceof Map) {
    for (const [k, v] of x) return clonesFaithfully(k, depth + 1) && clonesFaithfully(v, depth + 1);
    return true;
  }
  if (x instanceof Set) {
    for (const v of x) return clonesFaithfully(v, depth + 1);
    return true;
  }
  if (ArrayBuffer.isView(x)) return !Buffer.isBuffer(x);
  return x instanceof Date || x instanceof RegExp || x instanceof ArrayBuffer || x instanceof Error;
}

/** Whether the sampled keys and values of buckets clone faithfully. */
export function bucketsCloneFaithfully(buckets: readonly ShuffleBucket[]): boolean {
  for (const b of buckets) {
    if (b.keys.length > 0 && !(clonesFaithfully(b.keys[0]) && clonesFaithfully(b.values[0]))) {
      return false;
    }
  }
  return true;
}
