// Preloaded (`--import`) in every task thread of `local[N]`, before the application module, which
// is the thread's entry (as in `cluster`, the same script in another role: `import.meta.main` and
// `process.argv` are as on the driver). It marks the thread as a task thread; the application then
// builds its DStream graph and calls `start()`, which registers the graph here instead of starting
// batches; from then on this module runs the map tasks the driver sends: replay the stream
// computation, split one map partition into buckets.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { messageOf } from '../../errors.js';
import { markWorkerThread } from '../../util/role.js';
import { Time } from '../../util/time.js';
import type { RDD } from '../../rdd/rdd.js';
import {
  hasPartitionReader,
  readPartitionSource,
  runAttempts,
} from '../../rdd/partition-source.js';
import { HashPartitioner } from '../../rdd/partitioner.js';
import { ShuffleDependency, type ShuffleBucket } from '../../rdd/shuffle/shuffle-dependency.js';
import { runCollectingUpdates, RunOnDriver, TaskUpdates } from '../../rdd/task-updates.js';
import { walkMapSide } from './lineage.js';
import { keepCreationRecords, originKey, pruneCreationRecords, recordedRdd } from './origin.js';
import {
  bucketsCloneFaithfully,
  CHUNK_SIZE,
  CHUNKS_AHEAD,
  deserializeError,
  serializeError,
  type FetchReply,
  type FetchRequest,
  type FromWorker,
  type PartitionChunk,
  type MapTaskMessage,
  type ToWorker,
} from './protocol.js';
import {
  replayGraph,
  setTaskThreadRuntime,
  type ProvidedRdd,
  type ReplayGraph,
} from './runtime.js';
import { DriverRDD } from './stream-rdds.js';
import type { WorkerBootData } from './task-thread.js';

/** This thread cannot run the task as the driver would (data that cannot cross threads...). */
class CannotShip extends Error {}

const boot = workerData as WorkerBootData;
const port = parentPort!;
const signal = new Int32Array(boot.signal);

markWorkerThread(boot.index);
keepCreationRecords();

// Fetches are numbered (tickets); the driver answers them in order on the reply port and counts
// its answers in `signal`, so a thread may ask for the next chunk before it reads the current one.
let requested = 0;
let received = 0;
let firstTicketOfTask = 1;
const early = new Map<number, FetchReply>();

function send(message: FetchRequest): number {
  port.postMessage(message);
  return ++requested;
}

/** The answer to fetch `ticket`, blocking this thread until the driver has posted it. */
function receive(ticket: number): unknown {
  let reply = early.get(ticket);
  if (reply) early.delete(ticket);
  while (!reply) {
    const answered = Atomics.load(signal, 0);
    if (answered <= received) {
      Atomics.wait(signal, 0, answered);
      continue;
    }
    const next = receiveMessageOnPort(boot.replyPort);
    if (!next) throw new Error('the driver signalled an answer it did not post');
    const number = ++received;
    if (number === ticket) reply = next.message as FetchReply;
    else if (number >= firstTicketOfTask) early.set(number, next.message as FetchReply);
    // (answers to fetches of an earlier, failed task are dropped)
  }
  if (!reply.ok) {
    throw reply.unsupported ? new CannotShip(reply.error.message) : deserializeError(reply.error);
  }
  return reply.data;
}

function request(message: FetchRequest): unknown {
  return receive(send(message));
}

function readPartition(
  rddId: number,
  split: number,
  each: (items: readonly unknown[]) => void,
): void {
  const first = receive(send({ type: 'fetchPartition', rddId, split })) as PartitionChunk;
  if (first.source) {
    // Read here, as an executor reads its split; asynchronously read records end this attempt.
    if (!hasPartitionReader(first.source.kind)) {
      throw new CannotShip(
        `no reader of partition sources of kind '${first.source.kind}' in this thread`,
      );
    }
    each(readPartitionSource(first.source));
    return;
  }
  // Ask for the next chunks first: the driver serialises them while this thread computes.
  const ahead: number[] = [];
  let asked = first.items.length;
  const askAhead = (): void => {
    while (ahead.length < CHUNKS_AHEAD && asked < first.total) {
      ahead.push(send({ type: 'fetchChunk', rddId, split, offset: asked }));
      asked += CHUNK_SIZE;
    }
  };
  let chunk = first;
  for (;;) {
    askAhead();
    if (chunk.buffers) asBuffers(chunk.items);
    each(chunk.items);
    const ticket = ahead.shift();
    if (ticket === undefined) return;
    chunk = receive(ticket) as PartitionChunk;
  }
}

/** Records that were Buffers on the driver become Buffers again (views, no copy). */
function asBuffers(items: unknown[]): void {
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (x instanceof Uint8Array) items[i] = Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  }
}

let provided = new Map<string, ProvidedRdd>();
setTaskThreadRuntime({
  provided: (streamId, timeMs) => provided.get(originKey(streamId, timeMs)),
  readPartition,
});

function post(message: FromWorker): void {
  port.postMessage(message);
}

let zeroTimeMs: number | undefined;
let latestBatchMs: number | undefined;

function runMapTask(graph: ReplayGraph, m: MapTaskMessage): FromWorker {
  if (zeroTimeMs === undefined) {
    try {
      graph.initialize(m.zeroTimeMs);
    } catch (e) {
      return mismatch(m, `the graph of this thread does not initialize: ${messageOf(e)}`);
    }
    zeroTimeMs = m.zeroTimeMs;
  }
  const { target } = m;
  const batchMs = target.origin.timeMs;
  // Tasks of a later batch mean the earlier one is complete: forget what the driver forgot.
  if (latestBatchMs === undefined || batchMs > latestBatchMs) {
    if (latestBatchMs !== undefined) {
      graph.clearMetadata(new Time(latestBatchMs));
      pruneCreationRecords((s, t) => graph.remembers(s, t));
    }
    latestBatchMs = batchMs;
  }
  provided = new Map(m.provided.map((p) => [originKey(p.streamId, p.timeMs), p]));
  try {
    graph.getOrCompute(target.origin.streamId, new Time(batchMs));
  } catch (e) {
    // The driver computed this stream for this time without error: this thread's copy differs.
    return mismatch(m, `replaying stream ${target.origin.streamId} threw: ${messageOf(e)}`);
  }
  const found = recordedRdd(target.origin) as RDD<unknown> | undefined;
  if (!found || found.constructor.name !== target.rddClass) {
    const built = found?.toString() ?? 'nothing';
    return mismatch(m, `expected a ${target.rddClass}, replay built ${built}`);
  }
  const dep =
    target.kind === 'owner'
      ? found.shuffleDependencies[target.depIndex]
      : new ShuffleDependency(
          found as RDD<readonly [unknown, unknown]>,
          new HashPartitioner(target.hashPartitions),
        );
  if (!dep || dep.rdd.numPartitions !== m.mapPartitions) {
    return mismatch(m, `the map side of ${found.toString()} differs`);
  }
  // Pair this thread's RDDs with the driver's: shuffles by origin, shipped RDDs by position.
  const links = new Map<number, number>();
  for (const link of m.shuffles) {
    const r = recordedRdd(link.origin) as RDD<unknown> | undefined;
    if (!r || r.shuffleDependencies.length !== link.shuffleIds.length) {
      return mismatch(m, `no RDD reading ${link.shuffleIds.length} shuffle(s) at its origin`);
    }
    r.shuffleDependencies.forEach((d, i) => links.set(d.shuffleId, link.shuffleIds[i]!));
  }
  const shipped = new Map<number, number>();
  let problem: string | undefined;
  const shape = walkMapSide(dep.rdd, {
    provided: (r) => r instanceof DriverRDD,
    external: (r) => {
      const driver = m.shipped[shipped.size];
      if (!driver || driver.numPartitions !== r.numPartitions) {
        problem ??= `${r.toString()} has no counterpart on the driver`;
      } else {
        shipped.set(r.id, driver.rddId);
      }
    },
    readsShuffles: () => undefined,
  });
  if (problem === undefined && shape !== m.shape) {
    problem = `this thread's lineage ${shape} is not the driver's ${m.shape}`;
  }
  if (problem === undefined && shipped.size !== m.shipped.length) {
    problem = `the driver ships ${m.shipped.length} RDD(s) created outside streams, this thread has ${shipped.size}`;
  }
  if (problem !== undefined) return mismatch(m, problem);
  graph.sparkContext.blockManager.remote = (rddId, split, emit) => {
    const driverId = shipped.get(rddId);
    if (driverId === undefined) return false;
    readPartition(driverId, split, (items) => {
      for (let i = 0; i < items.length; i++) emit(items[i]);
    });
    return true;
  };
  graph.sparkContext.shuffleManager.remote = (shuffleId, reduceId) => {
    const driverId = links.get(shuffleId);
    if (driverId === undefined) {
      throw new CannotShip(`shuffle ${shuffleId} of this thread has no counterpart on the driver`);
    }
    return request({ type: 'fetchShuffle', shuffleId: driverId, reduceId }) as ShuffleBucket[];
  };
  const buckets = dep.writePartition(m.partition, {
    stageId: m.stageId,
    partitionId: m.partition,
  });
  if (!bucketsCloneFaithfully(buckets)) {
    return mismatch(m, 'its keys or values are of a kind that cannot cross threads');
  }
  return { type: 'done', taskId: m.taskId, buckets, accumulators: [] };
}

function mismatch(m: MapTaskMessage, reason: string): FromWorker {
  return { type: 'mismatch', taskId: m.taskId, reason };
}

function serve(graph: ReplayGraph): void {
  // Broadcast values come from the driver, once per thread (see rdd/broadcast.ts).
  graph.sparkContext.broadcastFetcher = (id) => request({ type: 'fetchBroadcast', id });
  port.on('message', (m: ToWorker) => {
    if (m.type === 'dropBroadcast') graph.sparkContext.dropBroadcastCopy(m.id);
    else void runTask(graph, m);
  });
  post({ type: 'ready' });
}

/**
 * Runs a map task and posts its outcome. The driver sends a thread one task at a time, so an
 * attempt that waits for a partition's records (see partition-source.ts) holds no other task up.
 */
async function runTask(graph: ReplayGraph, m: MapTaskMessage): Promise<void> {
  let reply: FromWorker;
  try {
    reply = await runAttempts(() => attemptMapTask(graph, m));
  } catch (e) {
    reply =
      e instanceof CannotShip || e instanceof RunOnDriver
        ? mismatch(m, e.message)
        : { type: 'failed', taskId: m.taskId, error: serializeError(e) };
  }
  try {
    post(reply);
  } catch (e) {
    // A value structured clone refuses (a function, a symbol) in the buckets.
    post(mismatch(m, messageOf(e)));
  }
}

function attemptMapTask(graph: ReplayGraph, m: MapTaskMessage): FromWorker {
  firstTicketOfTask = requested + 1;
  early.clear();
  // What this attempt adds to accumulators goes to the driver with its result, if it succeeds.
  const updates = new TaskUpdates();
  try {
    const reply = runCollectingUpdates(updates, () => runMapTask(graph, m));
    return reply.type === 'done' ? { ...reply, accumulators: updates.toTransfer() } : reply;
  } finally {
    provided = new Map();
    graph.sparkContext.blockManager.remote = undefined;
    graph.sparkContext.shuffleManager.remote = undefined;
  }
}

// The application module may never finish loading (`start()` never resolves in a task thread):
// serve as soon as it has registered its graph. If it throws first, the driver sees the thread die.
void replayGraph().then((graph) => {
  if (boot.graphSignature !== '' && graph.signature !== boot.graphSignature) {
    const error = new Error(
      `the application built another stream graph in this thread (${graph.signature}) than on the driver (${boot.graphSignature}): declare the same streams in every thread`,
    );
    post({ type: 'bootFailed', error: serializeError(error) });
    process.exit(1);
  }
  serve(graph);
});
