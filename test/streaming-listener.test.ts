// Spark's StreamingListenerSuite, the part about what the batch events carry: every event is a
// snapshot of its batch (or output operation) as it was when the event was posted, frozen, and
// never changed afterwards, although listeners receive it later (on another turn of the loop).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BatchInfo,
  OutputOperationInfo,
  setLogLevel,
  Time,
  type StreamInputInfo,
  type StreamingContext,
  type StreamingListener,
} from 'dstream';
import { createManualContext, TestInputStream } from 'dstream/testing';

const contexts: StreamingContext[] = [];

// The second output operation fails on purpose: its error log would only be noise here.
beforeEach(() => setLogLevel('OFF'));

afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

type Delivered =
  | { type: 'submitted' | 'started' | 'completed'; event: { batchInfo: BatchInfo } }
  | { type: 'opStarted' | 'opCompleted'; event: { outputOperationInfo: OutputOperationInfo } };

/** What an output operation's info says, as plain data. */
function opView(op: OutputOperationInfo) {
  return {
    batchTime: op.batchTime.milliseconds,
    id: op.id,
    startTime: op.startTime,
    endTime: op.endTime,
    duration: op.duration,
    failureReason: op.failureReason,
  };
}

/** What a batch's info says, as plain data. */
function batchView(info: BatchInfo) {
  return {
    batchTime: info.batchTime.milliseconds,
    numRecords: info.numRecords,
    submissionTime: info.submissionTime,
    processingStartTime: info.processingStartTime,
    processingEndTime: info.processingEndTime,
    schedulingDelay: info.schedulingDelay,
    processingDelay: info.processingDelay,
    totalDelay: info.totalDelay,
    outputOperations: [...info.outputOperationInfos.values()].map(opView),
  };
}

function view(d: Delivered) {
  return 'batchInfo' in d.event
    ? batchView(d.event.batchInfo)
    : opView(d.event.outputOperationInfo);
}

/**
 * One batch at 1000 ms of three records and two output operations on a manual clock: the first
 * takes 300 ms, the second 200 ms and then fails. Returns every batch event as delivered (the
 * objects themselves) and what each said when it was delivered.
 */
async function runOneBatch(): Promise<{ delivered: Delivered[]; seen: unknown[] }> {
  const { ssc, clock } = createManualContext();
  contexts.push(ssc);
  const delivered: Delivered[] = [];
  const seen: unknown[] = [];
  const record = (d: Delivered) => {
    delivered.push(d);
    seen.push(view(d));
  };
  const listener: StreamingListener = {
    onBatchSubmitted: (event) => record({ type: 'submitted', event }),
    onBatchStarted: (event) => record({ type: 'started', event }),
    onOutputOperationStarted: (event) => record({ type: 'opStarted', event }),
    onOutputOperationCompleted: (event) => record({ type: 'opCompleted', event }),
    onBatchCompleted: (event) => record({ type: 'completed', event }),
  };
  ssc.addStreamingListener(listener);
  const input = new TestInputStream(ssc, [[1, 2, 3]], 2);
  input.foreachRDD(async () => {
    await clock.advance(300);
  });
  input.foreachRDD(async () => {
    await clock.advance(200);
    throw new Error('sink failed');
  });
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  return { delivered, seen };
}

const notStarted = (id: number) => ({
  batchTime: 1000,
  id,
  startTime: undefined,
  endTime: undefined,
  duration: undefined,
  failureReason: undefined,
});
const op0Started = { ...notStarted(0), startTime: 1000 };
const op0Completed = { ...op0Started, endTime: 1300, duration: 300 };
const op1Started = { ...notStarted(1), startTime: 1300 };
const op1Completed = {
  ...op1Started,
  endTime: 1500,
  duration: 200,
  failureReason: expect.stringContaining('sink failed') as string,
};
const batch = {
  batchTime: 1000,
  numRecords: 3,
  submissionTime: 1000,
  processingStartTime: undefined,
  processingEndTime: undefined,
  schedulingDelay: undefined,
  processingDelay: undefined,
  totalDelay: undefined,
};

/** Each event as it was when posted (the manual clock makes every time exact). */
const asPosted = [
  { ...batch, outputOperations: [notStarted(0), notStarted(1)] },
  {
    ...batch,
    processingStartTime: 1000,
    schedulingDelay: 0,
    outputOperations: [notStarted(0), notStarted(1)],
  },
  op0Started,
  op0Completed,
  op1Started,
  op1Completed,
  {
    ...batch,
    processingStartTime: 1000,
    processingEndTime: 1500,
    schedulingDelay: 0,
    processingDelay: 500,
    totalDelay: 500,
    outputOperations: [op0Completed, op1Completed],
  },
];

describe('StreamingListenerSuite: batch events', () => {
  it('each event carries its batch as it was when the event was posted, then and after the run', async () => {
    const { delivered, seen } = await runOneBatch();
    expect(delivered.map((d) => d.type)).toEqual([
      'submitted',
      'started',
      'opStarted',
      'opCompleted',
      'opStarted',
      'opCompleted',
      'completed',
    ]);
    // As each listener call saw it...
    expect(seen).toEqual(asPosted);
    // ...and as it still is once the whole batch has run: later events did not change earlier ones.
    expect(delivered.map(view)).toEqual(asPosted);
  });

  it('each event is a distinct, frozen object: a listener cannot change what others receive', async () => {
    const { delivered } = await runOneBatch();
    const batchInfos = delivered.flatMap((d) =>
      'batchInfo' in d.event ? [d.event.batchInfo] : [],
    );
    const opInfos = delivered.flatMap((d) =>
      'outputOperationInfo' in d.event ? [d.event.outputOperationInfo] : [],
    );
    expect(new Set(batchInfos).size).toBe(3);
    expect(new Set(batchInfos.map((b) => b.outputOperationInfos)).size).toBe(3);
    expect(new Set(opInfos).size).toBe(4);

    for (const d of delivered) expect(Object.isFrozen(d.event)).toBe(true);
    for (const info of batchInfos) {
      expect(Object.isFrozen(info)).toBe(true);
      for (const op of info.outputOperationInfos.values()) expect(Object.isFrozen(op)).toBe(true);
      for (const input of info.streamIdToInputInfo.values()) {
        expect(Object.isFrozen(input)).toBe(true);
        expect(Object.isFrozen(input.metadata)).toBe(true);
      }
    }
    for (const op of opInfos) expect(Object.isFrozen(op)).toBe(true);

    // Test modules are strict: writing to a frozen object throws.
    const submitted = batchInfos[0]! as { processingEndTime: number | undefined };
    expect(() => (submitted.processingEndTime = 2000)).toThrow(TypeError);
    const opStarted = opInfos[0]! as { endTime: number | undefined };
    expect(() => (opStarted.endTime = 2000)).toThrow(TypeError);
    const event = delivered[0]!.event as { batchInfo: unknown };
    expect(() => (event.batchInfo = undefined)).toThrow(TypeError);
    expect(batchInfos[0]!.processingEndTime).toBeUndefined();
    expect(opInfos[0]!.endTime).toBeUndefined();
  });
});

describe('removeStreamingListener', () => {
  /** Records `<event>@<batch ms>` for every batch event the listener receives. */
  function recorder(into: string[]): StreamingListener {
    const at = (type: string) => (e: { batchInfo: BatchInfo }) =>
      into.push(`${type}@${e.batchInfo.batchTime.milliseconds}`);
    return {
      onBatchSubmitted: at('submitted'),
      onBatchStarted: at('started'),
      onBatchCompleted: at('completed'),
    };
  }

  it('delivers no event to a removed listener, not even one posted before its removal', async () => {
    const { ssc, clock } = createManualContext();
    contexts.push(ssc);
    const removed: string[] = [];
    const kept: string[] = [];
    const removedListener = recorder(removed);
    ssc.addStreamingListener(removedListener);
    ssc.addStreamingListener(recorder(kept));
    new TestInputStream(ssc, [[1], [2], [3]], 1).foreachRDD((_rdd, time) => {
      // Batch 2's submitted and started events are posted, not yet delivered.
      if (time.milliseconds === 2000) ssc.removeStreamingListener(removedListener);
    });
    await ssc.start();
    await clock.advance(3000);
    expect(removed).toEqual(['submitted@1000', 'started@1000', 'completed@1000']);
    expect(kept).toEqual(
      [1000, 2000, 3000].flatMap((t) => [`submitted@${t}`, `started@${t}`, `completed@${t}`]),
    );
  });

  it('a listener that removes itself from a callback: the other listeners still get that event', async () => {
    const { ssc, clock } = createManualContext();
    contexts.push(ssc);
    const first: string[] = [];
    const second: string[] = [];
    const selfRemoving: StreamingListener = {
      onBatchCompleted: (e) => {
        first.push(`completed@${e.batchInfo.batchTime.milliseconds}`);
        ssc.removeStreamingListener(selfRemoving);
      },
    };
    ssc.addStreamingListener(selfRemoving);
    ssc.addStreamingListener(recorder(second));
    new TestInputStream(ssc, [[1], [2]], 1).foreachRDD(() => {});
    await ssc.start();
    await clock.advance(2000);
    expect(first).toEqual(['completed@1000']);
    expect(second).toEqual(
      [1000, 2000].flatMap((t) => [`submitted@${t}`, `started@${t}`, `completed@${t}`]),
    );
  });
});

describe('BatchInfo and OutputOperationInfo', () => {
  it("are Spark's immutable case classes, with the delays and duration derived", () => {
    const time = new Time(1000);
    const inputs = new Map<number, StreamInputInfo>([
      [0, { inputStreamId: 0, numRecords: 5, metadata: {} }],
      [1, { inputStreamId: 1, numRecords: 7, metadata: { Description: 'two files' } }],
    ]);
    const op = new OutputOperationInfo(time, 0, 'print', 'print', 1100, 1400, undefined);
    const ops = new Map([[0, op]]);
    const info = new BatchInfo(time, inputs, 1050, 1100, 1400, ops);

    expect(op.duration).toBe(300);
    const running = new OutputOperationInfo(time, 1, 'print', 'print', 1100, undefined, undefined);
    expect(running.duration).toBeUndefined();
    expect(info.schedulingDelay).toBe(50);
    expect(info.processingDelay).toBe(300);
    expect(info.totalDelay).toBe(350);
    expect(info.numRecords).toBe(12);
    expect(Object.isFrozen(info)).toBe(true);
    expect(Object.isFrozen(op)).toBe(true);
    expect(Object.isFrozen(info.streamIdToInputInfo.get(1))).toBe(true);

    // It keeps its own maps: changing the ones it was built from changes nothing.
    inputs.delete(0);
    ops.clear();
    expect(info.numRecords).toBe(12);
    expect([...info.outputOperationInfos.values()]).toEqual([op]);
  });
});
