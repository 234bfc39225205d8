// The driver's side of a fetch: the blocks a task thread asks for while it runs a task.
import type { MessagePort } from 'node:worker_threads';
import { isPartitionNotReady } from '../../rdd/partition-source.js';
import { Logger } from '../../util/logging.js';
import type { ArraySlice, RDD } from '../../rdd/rdd.js';
import type { ShuffleBucket } from '../../rdd/shuffle/shuffle-dependency.js';
import type { MapStagePlan } from './lineage.js';
import {
  bucketsCloneFaithfully,
  clonesFaithfully,
  CHUNK_SIZE,
  serializeError,
  type FetchReply,
  type FetchRequest,
  type MapTaskMessage,
  type PartitionChunk,
} from './protocol.js';

const log = new Logger('WorkerTaskRunner');

/**
 * Answers a thread blocked on a fetch for the task it runs: posts the block on `replies`, then
 * wakes the thread through `signal`.
 */
export function serveFetch(
  task: FetchingTask | undefined,
  replies: MessagePort,
  signal: Int32Array,
  request: FetchRequest,
): void {
  const reply: FetchReply = task
    ? answerFetch(task, request)
    : { ok: false, error: serializeError(new Error('no task runs')), unsupported: false };
  try {
    replies.postMessage(reply);
  } catch (e) {
    // A value structured clone refuses (a function, a symbol) throws in postMessage.
    const unsupported = e instanceof Error && e.name === 'DataCloneError';
    replies.postMessage({ ok: false, error: serializeError(e), unsupported });
  }
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

/** A task running in a thread, as the driver sees it while answering its fetches. */
export interface FetchingTask {
  readonly message: MapTaskMessage;
  readonly plan: MapStagePlan;
  readonly context: RDD<unknown>['context'];
  /** Partitions being sent in chunks, by `rddId:split`. */
  readonly open: Map<string, ArraySlice<unknown>>;
}

/**
 * Answers a fetch: a chunk of a partition of one of the driver's RDDs the task may read (computed
 * here on the first chunk), or the outputs of a shuffle for one reduce partition. Data whose
 * structured clone would not be equivalent (class instances...) is refused as `unsupported`: the
 * task then runs on the driver.
 */
export function answerFetch(task: FetchingTask, request: FetchRequest): FetchReply {
  try {
    if (request.type === 'fetchBroadcast') return broadcastValue(task, request.id);
    if (request.type === 'fetchShuffle') {
      const buckets = task.context.shuffleManager.read(request.shuffleId, request.reduceId);
      if (!bucketsCloneFaithfully(buckets))
        return refuse('shuffle output of a kind that cannot cross threads');
      return { ok: true, data: buckets satisfies ShuffleBucket[] };
    }
    const chunk = nextChunk(task, request);
    if (
      request.type === 'fetchPartition' &&
      !chunk.source &&
      !chunk.buffers &&
      !clonesFaithfully(chunk.items[0])
    ) {
      task.open.delete(`${request.rddId}:${request.split}`);
      return refuse('partition data of a kind that cannot cross threads');
    }
    return { ok: true, data: chunk };
  } catch (e) {
    // A partition only the driver reads, and asynchronously (a cached one): the task runs here.
    if (isPartitionNotReady(e)) return refuse('a partition the driver reads asynchronously');
    return { ok: false, error: serializeError(e), unsupported: false };
  }
}

/** The driver's value of broadcast `id`, sent to a thread (which keeps it for its next tasks). */
function broadcastValue(task: FetchingTask, id: number): FetchReply {
  const broadcast = task.context.broadcastById(id);
  if (!broadcast) {
    throw new Error(
      `the driver has no Broadcast(${id}): create broadcast variables at the top level of the application, in the same order in every thread`,
    );
  }
  const value = broadcast.value; // throws Spark's error once destroyed
  if (!clonesFaithfully(value))
    return refuse(`${broadcast.toString()} holds a value that cannot cross threads`);
  return { ok: true, data: value };
}

function nextChunk(
  task: FetchingTask,
  request: Exclude<FetchRequest, { type: 'fetchShuffle' | 'fetchBroadcast' }>,
): PartitionChunk {
  const key = `${request.rddId}:${request.split}`;
  let slice: ArraySlice<unknown> | undefined;
  let offset = 0;
  if (request.type === 'fetchChunk') {
    slice = task.open.get(key);
    offset = request.offset;
    if (!slice) throw new Error(`partition ${key} is not being sent`);
  } else {
    const rdd = task.plan.fetchable.get(request.rddId);
    if (!rdd) throw new Error(`RDD ${request.rddId} was not shipped with this task`);
    const source = rdd.isPersisted ? undefined : rdd.partitionSource(request.split);
    if (source) {
      log.debug(`A task thread reads partition ${request.split} of ${rdd.toString()} itself`);
      return { items: [], offset: 0, total: 0, buffers: false, source };
    }
    slice = rdd.partitionSlice(request.split, {
      stageId: task.message.stageId,
      partitionId: request.split,
    });
  }
  const { items, start, end } = slice;
  const from = start + offset;
  const to = Math.min(end, from + CHUNK_SIZE);
  const more = to < end;
  if (more) task.open.set(key, slice);
  else task.open.delete(key);
  return {
    items: packedCopy(items, from, to),
    offset,
    total: end - start,
    buffers: Buffer.isBuffer(items[from]),
  };
}

/**
 * Positions `from` to `to` of `items` in a new array built by `push`, which is always packed: an
 * array with holes in its backing store (`new Array(n)` filled in a loop) is cloned element by
 * element as a sparse object, several times slower on both sides of the thread boundary.
 */
function packedCopy(items: readonly unknown[], from: number, to: number): unknown[] {
  const out: unknown[] = [];
  for (let i = from; i < to; i++) out.push(items[i]);
  return out;
}

/** The task cannot run in the thread: the driver runs it. */
function refuse(why: string): FetchReply {
  const error = serializeError(new Error(why));
  return { ok: false, error, unsupported: true };
}
