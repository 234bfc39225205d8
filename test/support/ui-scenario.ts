// One streaming application with its web UI on, for the UI tests: a receiver stream and a queue
// stream on a manual clock (so that nothing changes between two requests), two output operations,
// the second failing in batch 2 with a message that looks like HTML. Batch 1 takes 250 ms, batch 2
// 400 ms (the receiver reports an error at 1250 ms, between them). Batch 3 is held running and
// batch 4 waits behind it, so the API has batches of every status.
import {
  Receiver,
  type BatchInfo,
  type OutputOperationInfo,
  type ReceiverInfo,
  type RDD,
  type StreamingContext,
} from 'dstream';
import { createManualContext, type ManualClock } from 'dstream/testing';

export class StoringReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

export const FAILURE = 'bad <script>alert(1)</script> row';

/** Everything the listener of the test saw, by batch time: the UI must agree with it. */
export interface Seen {
  /** Each batch as its latest event said, as the UI keeps it. */
  latest: Map<number, BatchInfo>;
  completed: Map<number, BatchInfo>;
  ops: Map<string, OutputOperationInfo>;
  receivers: Map<number, ReceiverInfo>;
  startTime: number | undefined;
}

export interface Scenario {
  ssc: StreamingContext;
  clock: ManualClock;
  url: string;
  seen: Seen;
  /** Lets batch 3 end, then batch 4 run; resolves when both have. */
  finish(): Promise<void>;
}

/** Runs batches 1 and 2 to completion, starts batch 3 (held) and queues batch 4. */
export async function startScenario(conf: Record<string, string> = {}): Promise<Scenario> {
  const { ssc, clock } = createManualContext({
    master: 'local[2]',
    conf: { 'spark.ui.enabled': 'true', 'spark.ui.port': '0', ...conf },
  });
  const seen: Seen = {
    latest: new Map(),
    completed: new Map(),
    ops: new Map(),
    receivers: new Map(),
    startTime: undefined,
  };
  let batch3Started!: () => void;
  const started3 = new Promise<void>((r) => (batch3Started = r));
  let batch4Submitted!: () => void;
  const submitted4 = new Promise<void>((r) => (batch4Submitted = r));
  ssc.addStreamingListener({
    onStreamingStarted: (e) => (seen.startTime = e.time),
    onReceiverStarted: (e) => seen.receivers.set(e.receiverInfo.streamId, e.receiverInfo),
    onReceiverError: (e) => seen.receivers.set(e.receiverInfo.streamId, e.receiverInfo),
    onBatchSubmitted: (e) => {
      seen.latest.set(e.batchInfo.batchTime.milliseconds, e.batchInfo);
      if (e.batchInfo.batchTime.milliseconds === 4000) batch4Submitted();
    },
    onBatchStarted: (e) => {
      seen.latest.set(e.batchInfo.batchTime.milliseconds, e.batchInfo);
      if (e.batchInfo.batchTime.milliseconds === 3000) batch3Started();
    },
    onOutputOperationStarted: (e) => {
      const op = e.outputOperationInfo;
      seen.ops.set(`${op.batchTime.milliseconds}/${op.id}`, op);
    },
    onOutputOperationCompleted: (e) => {
      const op = e.outputOperationInfo;
      seen.ops.set(`${op.batchTime.milliseconds}/${op.id}`, op);
    },
    onBatchCompleted: (e) => {
      seen.latest.set(e.batchInfo.batchTime.milliseconds, e.batchInfo);
      seen.completed.set(e.batchInfo.batchTime.milliseconds, e.batchInfo);
    },
  });
  const receiver = new StoringReceiver();
  const received = ssc.receiverStream(receiver);
  const queue: RDD<string>[] = [ssc.sparkContext.parallelize(['q1', 'q2'])];
  const queued = ssc.queueStream(queue);
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  received.union(queued).foreachRDD(async (_rdd, time) => {
    // Batches take time on the clock, so that the delays are not all zero.
    if (time.milliseconds === 1000) await clock.advance(250);
    if (time.milliseconds === 2000) await clock.advance(400);
    if (time.milliseconds === 3000) await held;
  });
  received.foreachRDD((_rdd, time) => {
    if (time.milliseconds === 2000) throw new Error(FAILURE);
  });
  await ssc.start();
  const url = ssc.uiWebUrl!;
  receiver.store(['a', 'b', 'c']);
  await clock.advance(1000);
  receiver.store(['d', 'e']);
  receiver.reportError('parse failed', new Error('line <b>7</b>'));
  await clock.advance(1000);
  receiver.store(['f']);
  const third = clock.advance(1000);
  await started3;
  // The clock moves on while batch 3 runs: batch 4 is submitted and waits behind it.
  const fourth = clock.advance(1000);
  await submitted4;
  return {
    ssc,
    clock,
    url,
    seen,
    async finish() {
      release();
      await Promise.all([third, fourth]);
    },
  };
}
