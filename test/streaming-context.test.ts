// Spark's StreamingContextSuite, the parts that concern the core engine: life cycle, errors a user
// can cause, awaitTermination, listener events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DStreamError,
  Milliseconds,
  Seconds,
  setLogLevel,
  StreamingContext,
  type BatchInfo,
  type DStream,
  type OutputOperationInfo,
  type StreamingListener,
} from 'dstream';
import {
  createManualContext,
  runBatches,
  simulateCrash,
  TestInputStream,
  ManualClock,
} from 'dstream/testing';
import { LogInputDStream } from './fixtures/checkpoint-streams.js';
import { FireAndForgetClock, turns } from './support/fire-and-forget-clock.js';
import { captureStderr, errorLines } from './support/capture-stderr.js';

const contexts: StreamingContext[] = [];

/** A context on a manual clock at 0, stopped after the test. */
function manualContext(): { ssc: StreamingContext; clock: ManualClock } {
  const made = createManualContext();
  contexts.push(made.ssc);
  return made;
}

/**
 * A context on a {@link FireAndForgetClock} at 0 (100 ms batches): a batch that never ends does
 * not hold the clock, so a stop's own waits can be driven past it.
 */
function fireAndForgetContext(): { ssc: StreamingContext; clock: FireAndForgetClock } {
  const clock = new FireAndForgetClock();
  const ssc = new StreamingContext({
    master: 'local[2]',
    appName: 'x',
    batchDuration: Milliseconds(100),
    conf: { 'spark.dstream.workers.enabled': 'false' },
    clock,
  });
  contexts.push(ssc);
  return { ssc, clock };
}

/** Spark's `addInputStream`: one element per batch, 1, 2, 3... */
function addInputStream(ssc: StreamingContext): DStream<number> {
  return new TestInputStream(ssc, [[1], [2], [3], [4], [5], [6], [7], [8], [9], [10]], 2);
}

/** Captures what the log writes (stderr) while `body` runs. */
async function capturingLog(body: () => Promise<void> | void): Promise<string> {
  let text = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    text += String(chunk);
    return true;
  });
  try {
    await body();
  } finally {
    spy.mockRestore();
  }
  return text;
}

async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

beforeEach(() => setLogLevel('WARN'));

afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

describe('StreamingContextSuite', () => {
  it('start and stop state check', async () => {
    const { ssc } = manualContext();
    addInputStream(ssc).foreachRDD(() => {});
    expect(ssc.getState()).toBe('INITIALIZED');
    await ssc.start();
    expect(ssc.getState()).toBe('ACTIVE');
    expect(StreamingContext.getActive()).toBe(ssc);
    await ssc.stop();
    expect(ssc.getState()).toBe('STOPPED');
    expect(StreamingContext.getActive()).toBeUndefined();
    // The SparkContext is stopped with it by default.
    expect(() => ssc.sparkContext.parallelize([1, 2, 3])).toThrow(
      expect.objectContaining({ code: 'DSTREAM_ERR_CONTEXT_STOPPED' }),
    );
  });

  it('start with no output operation', async () => {
    const logged = captureStderr();
    const { ssc } = manualContext();
    addInputStream(ssc).map((x) => x + 1);
    const error = await rejectionOf(ssc.start());
    expect(error).toBeInstanceOf(DStreamError);
    expect(error).toMatchObject({
      code: 'DSTREAM_ERR_NO_OUTPUT_OPERATIONS',
      message: 'requirement failed: No output operations registered, so nothing to execute',
    });
    expect(ssc.getState()).toBe('STOPPED');
    expect(StreamingContext.getActive()).toBeUndefined();
    expect(errorLines(logged)).toEqual([
      'ERROR StreamingContext: Error starting the context, marking it as stopped',
    ]);
  });

  it('start failure stops the context (checkpoint interval without a directory)', async () => {
    const logged = captureStderr();
    const { ssc } = manualContext();
    addInputStream(ssc)
      .checkpoint(Seconds(1))
      .foreachRDD(() => {});
    const error = await rejectionOf(ssc.start());
    expect(error).toMatchObject({
      code: 'DSTREAM_ERR_CHECKPOINT_DIR_NOT_SET',
      message:
        'requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().',
    });
    expect(ssc.getState()).toBe('STOPPED');
    expect(StreamingContext.getActive()).toBeUndefined();
    expect(errorLines(logged)).toEqual([
      'ERROR StreamingContext: Error starting the context, marking it as stopped',
    ]);
  });

  it('start multiple times: a warning, no error', async () => {
    const { ssc } = manualContext();
    addInputStream(ssc).foreachRDD(() => {});
    await ssc.start();
    const log = await capturingLog(() => ssc.start());
    expect(log).toContain('WARN StreamingContext: StreamingContext has already been started');
    expect(ssc.getState()).toBe('ACTIVE');
  });

  it('start twice at once starts the inputs and the timer once', async () => {
    const { ssc, clock } = manualContext();
    const seen: number[][] = [];
    addInputStream(ssc).foreachRDD(async (rdd) => {
      seen.push(await rdd.collect());
    });
    const log = await capturingLog(() => Promise.all([ssc.start(), ssc.start()]).then(() => {}));
    expect(log).toContain('StreamingContext has already been started');
    await clock.advance(2000);
    expect(seen).toEqual([[1], [2]]);
  });

  it('two contexts starting at once: only one becomes active', async () => {
    const { ssc: one } = manualContext();
    const { ssc: two } = manualContext();
    addInputStream(one).foreachRDD(() => {});
    addInputStream(two).foreachRDD(() => {});
    const results = await Promise.allSettled([one.start(), two.start()]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'DSTREAM_ERR_ANOTHER_CONTEXT_ACTIVE',
    });
    expect(StreamingContext.getActive()).toBe(one);
  });

  it('stop multiple times', async () => {
    const { ssc } = manualContext();
    addInputStream(ssc).foreachRDD(() => {});
    await ssc.start();
    await ssc.stop();
    expect(ssc.getState()).toBe('STOPPED');
    const log = await capturingLog(() => ssc.stop());
    expect(log).toContain('WARN StreamingContext: StreamingContext has already been stopped');
    expect(ssc.getState()).toBe('STOPPED');
  });

  it('stop before start', async () => {
    const { ssc } = manualContext();
    addInputStream(ssc).foreachRDD(() => {});
    const log = await capturingLog(() => ssc.stop());
    expect(log).toContain('WARN StreamingContext: StreamingContext has not been started yet');
    expect(ssc.getState()).toBe('STOPPED');
  });

  for (const stopGracefully of [false, true]) {
    it(`stop from inside a foreachRDD function (stopGracefully: ${stopGracefully})`, async () => {
      const { ssc, clock } = manualContext();
      const seen: number[][] = [];
      let log = '';
      addInputStream(ssc).foreachRDD(async (rdd) => {
        const items = await rdd.collect();
        seen.push(items);
        if (items[0] === 2) log = await capturingLog(() => ssc.stop({ stopGracefully }));
      });
      await ssc.start();
      await clock.advance(4000);
      expect(ssc.getState()).toBe('STOPPED');
      expect(seen).toEqual([[1], [2]]);
      expect(await ssc.awaitTermination()).toBe(true);
      if (stopGracefully) expect(log).toContain('cannot stop gracefully');
    });
  }

  it('a job cut short by stop() is not an application error', async () => {
    const { ssc, clock } = fireAndForgetContext();
    let started!: () => void;
    const jobStarted = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let failure: unknown;
    new TestInputStream(ssc, [[1], [2]], 1).foreachRDD(async (rdd) => {
      started();
      await gate; // still running 2 s after stop(): the context stops without it
      await rdd.count().catch((e: unknown) => {
        failure = e;
        throw e;
      });
    });
    await ssc.start();
    await clock.moveTo(100);
    await jobStarted;
    const log = await capturingLog(async () => {
      const stopping = ssc.stop();
      await turns();
      await clock.moveTo(2100); // the 2 s a stop that is not graceful waits, on the context clock
      await stopping;
      release();
      while (failure === undefined) await turns(1);
      await turns();
    });
    expect((failure as DStreamError).code).toBe('DSTREAM_ERR_CONTEXT_STOPPED');
    expect(log).toContain('did not complete: the context stopped while it ran');
    expect(await ssc.awaitTermination()).toBe(true);
  });

  it('stop from inside a transform function', async () => {
    const { ssc, clock } = manualContext();
    const seen: number[][] = [];
    let stopping: Promise<void> | undefined;
    addInputStream(ssc)
      .transform((rdd, time) => {
        if (time.milliseconds === 4000) stopping = ssc.stop();
        return rdd;
      })
      .foreachRDD(async (rdd) => void seen.push(await rdd.collect()));
    await ssc.start();
    await clock.advance(8000);
    await stopping;
    expect(ssc.getState()).toBe('STOPPED');
    // The batch being generated when stop() was called still runs; none after it.
    expect(seen).toEqual([[1], [2], [3], [4]]);
  });

  it('stop (not graceful) leaves a job that never ends behind after 2 s', async () => {
    const { ssc, clock } = fireAndForgetContext();
    let started!: () => void;
    const jobStarted = new Promise<void>((resolve) => (started = resolve));
    new TestInputStream(ssc, [[1], [2]], 1).foreachRDD(() => {
      started();
      return new Promise<void>(() => undefined); // a sink that never answers
    });
    await ssc.start();
    await clock.moveTo(100);
    await jobStarted;
    let stopped = false;
    const log = await capturingLog(async () => {
      const stopping = ssc.stop().then(() => (stopped = true));
      await turns(); // the stop reaches its wait for the running job, at 100
      await clock.moveTo(2099);
      expect(stopped).toBe(false);
      await clock.moveTo(2100);
      await stopping;
    });
    expect(ssc.getState()).toBe('STOPPED');
    expect(log).toContain('A job was still running 2 s after stop(): stopping without it');
  });

  it('start after stop', async () => {
    const { ssc } = manualContext();
    addInputStream(ssc).foreachRDD(() => {});
    await ssc.stop();
    const error = await rejectionOf(ssc.start());
    expect(error).toBeInstanceOf(DStreamError);
    expect(error).toMatchObject({
      code: 'DSTREAM_ERR_ALREADY_STOPPED',
      message: 'StreamingContext has already been stopped',
    });
    expect(ssc.getState()).toBe('STOPPED');
  });

  it('stop only the streaming context', async () => {
    const { ssc } = manualContext();
    addInputStream(ssc).foreachRDD(() => {});
    await ssc.start();
    await ssc.stop({ stopSparkContext: false });
    expect(ssc.getState()).toBe('STOPPED');
    expect(await ssc.sparkContext.parallelize([1, 2, 3, 4]).collect()).toHaveLength(4);
    // stop(stopSparkContext = true) after stop(stopSparkContext = false) stops it.
    await ssc.stop({ stopSparkContext: true });
    expect(() => ssc.sparkContext.parallelize([1])).toThrow(
      expect.objectContaining({ code: 'DSTREAM_ERR_CONTEXT_STOPPED' }),
    );
  });

  it('stop only the streaming context by configuration', async () => {
    const { ssc } = createManualContext({
      conf: { 'spark.streaming.stopSparkContextByDefault': 'false' },
    });
    contexts.push(ssc);
    addInputStream(ssc).foreachRDD(() => {});
    await ssc.start();
    await ssc.stop();
    expect(await ssc.sparkContext.parallelize([1, 2, 3]).count()).toBe(3);
    await ssc.sparkContext.stop();
  });

  it('throw exception on using active or stopped context', async () => {
    const { ssc } = manualContext();
    const input = addInputStream(ssc);
    const transformed = input.map((x) => x);
    transformed.foreachRDD(() => {});
    await ssc.start();
    const afterStart = {
      code: 'DSTREAM_ERR_ADDED_AFTER_START',
      message:
        'Adding new inputs, transformations, and output operations after starting a context is not supported',
    };
    expect(() => addInputStream(ssc)).toThrow(expect.objectContaining(afterStart));
    expect(() => input.map((x) => x * 2)).toThrow(expect.objectContaining(afterStart));
    expect(() => transformed.foreachRDD(() => {})).toThrow(expect.objectContaining(afterStart));
    await ssc.stop();
    const afterStop = {
      code: 'DSTREAM_ERR_ADDED_AFTER_STOP',
      message:
        'Adding new inputs, transformations, and output operations after stopping a context is not supported',
    };
    expect(() => addInputStream(ssc)).toThrow(expect.objectContaining(afterStop));
    expect(() => input.map((x) => x * 2)).toThrow(expect.objectContaining(afterStop));
    expect(() => transformed.foreachRDD(() => {})).toThrow(expect.objectContaining(afterStop));
  });

  it('multiple streaming contexts: only one may be active', async () => {
    const { ssc } = manualContext();
    addInputStream(ssc).foreachRDD(() => {});
    await ssc.start();
    const { ssc: another } = manualContext();
    addInputStream(another).foreachRDD(() => {});
    const error = await rejectionOf(another.start());
    expect(error).toMatchObject({ code: 'DSTREAM_ERR_ANOTHER_CONTEXT_ACTIVE' });
    expect((error as Error).message).toContain(
      'Only one StreamingContext may be started in this process. Currently running StreamingContext was started at',
    );
    expect(another.getState()).toBe('INITIALIZED');
    await ssc.stop();
    await another.start();
    expect(StreamingContext.getActive()).toBe(another);
  });

  it('creating an input stream but not using it does not crash', async () => {
    const { ssc, clock } = manualContext();
    addInputStream(ssc);
    const used = addInputStream(ssc);
    const seen: number[][] = [];
    used.foreachRDD(async (rdd) => {
      seen.push(await rdd.collect());
    });
    await ssc.start();
    await clock.advance(2000);
    expect(seen).toEqual([[1], [2]]);
    expect(ssc.error).toBeUndefined();
  });

  it('invalid master', () => {
    expect(
      () => new StreamingContext({ master: 'yarn', appName: 'x', batchDuration: Seconds(1) }),
    ).toThrow(
      expect.objectContaining({
        code: 'DSTREAM_ERR_INVALID_MASTER',
        message: expect.stringContaining("Could not parse Master URL: 'yarn'") as string,
      }),
    );
  });

  it('batch duration not positive', () => {
    for (const batchDuration of [Milliseconds(0), Milliseconds(-1000)]) {
      expect(
        () => new StreamingContext({ master: 'local[2]', appName: 'x', batchDuration }),
      ).toThrow(
        expect.objectContaining({
          code: 'DSTREAM_ERR_INVALID_DURATION',
          message: expect.stringContaining('requirement failed: ') as string,
        }),
      );
    }
  });

  it('remember twice', () => {
    const { ssc } = manualContext();
    ssc.remember(Seconds(2));
    expect(() => ssc.remember(Seconds(3))).toThrow(
      expect.objectContaining({
        code: 'DSTREAM_ERR_REMEMBER_ALREADY_SET',
        message:
          'requirement failed: Remember duration already set as 2000 ms. Cannot set it again.',
      }),
    );
  });

  it('persist and checkpoint after start', async () => {
    const { ssc } = manualContext();
    const input = addInputStream(ssc);
    const mapped = input.map((x) => x);
    mapped.foreachRDD(() => {});
    await ssc.start();
    expect(() => mapped.persist()).toThrow(
      expect.objectContaining({
        code: 'DSTREAM_ERR_CHANGED_AFTER_START',
        message: 'Cannot change storage level of a DStream after streaming context has started',
      }),
    );
    expect(() => mapped.checkpoint(Seconds(10))).toThrow(
      expect.objectContaining({
        code: 'DSTREAM_ERR_CHANGED_AFTER_START',
        message:
          'Cannot change checkpoint interval of a DStream after streaming context has started',
      }),
    );
  });

  it('sparkContext.parallelize slices by position', async () => {
    const { ssc } = manualContext();
    const sc = ssc.sparkContext;
    expect(await sc.parallelize([1, 2, 3, 4, 5], 3).glom().collect()).toEqual([
      [1],
      [2, 3],
      [4, 5],
    ]);
    expect(await sc.parallelize([1, 2], 4).glom().collect()).toEqual([[], [1], [], [2]]);
    // Without numSlices: defaultParallelism, the cores of local[2].
    expect(sc.parallelize([1, 2, 3]).getNumPartitions()).toBe(2);
  });
});

describe('awaitTermination', () => {
  it('resolves false when the timeout passes, true once stopped', async () => {
    const { ssc, clock } = manualContext();
    addInputStream(ssc)
      .map((x) => x)
      .foreachRDD(() => {});
    await ssc.start();
    const timedOut = ssc.awaitTermination(500);
    await clock.advance(500);
    expect(await timedOut).toBe(false);
    const waiting = ssc.awaitTermination(10_000);
    const forever = ssc.awaitTermination();
    await ssc.stop();
    expect(await waiting).toBe(true);
    expect(await forever).toBe(true);
  });

  it('leaves no timer behind once the context stops (the process may exit)', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const ssc = new StreamingContext({
      master: 'local[2]',
      appName: 'x',
      batchDuration: Seconds(1),
    });
    contexts.push(ssc);
    const before = timers();
    const waiting = ssc.awaitTermination(60_000);
    expect(timers()).toBe(before + 1);
    await ssc.stop();
    expect(await waiting).toBe(true);
    expect(timers()).toBe(before);
  });

  it('after stop resolves at once', async () => {
    const { ssc } = manualContext();
    addInputStream(ssc).foreachRDD(() => {});
    await ssc.start();
    await ssc.stop();
    expect(await ssc.awaitTermination()).toBe(true);
  });

  it('rejects with the first batch failure: code, batchTime, cause and message', async () => {
    const logged = captureStderr();
    const { ssc, clock } = manualContext();
    const boom = new Error('error in map task');
    addInputStream(ssc)
      .map((x) => {
        if (x === 2) throw boom;
        return x;
      })
      .foreachRDD(async (rdd) => {
        await rdd.count();
      });
    await ssc.start();
    const waiting = rejectionOf(ssc.awaitTermination());
    await clock.advance(3000);
    const error = await waiting;
    expect(error).toBeInstanceOf(DStreamError);
    const e = error as DStreamError;
    expect(e.code).toBe('DSTREAM_ERR_BATCH_FAILED');
    expect(e.batchTime?.milliseconds).toBe(2000);
    expect(e.cause).toBe(boom);
    expect(e.message).toContain('error in map task');
    // Every later wait rejects with the same error, also after stop.
    expect(await rejectionOf(ssc.awaitTermination(1000))).toBe(e);
    await ssc.stop();
    expect(await rejectionOf(ssc.awaitTermination())).toBe(e);
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 2000 ms.0',
    ]);
  });

  it('rejects with an error in job generation (a throwing transform)', async () => {
    const logged = captureStderr();
    const { ssc, clock } = manualContext();
    const boom = new Error('error in transform');
    addInputStream(ssc)
      .transform(() => {
        throw boom;
      })
      .foreachRDD(() => {});
    await ssc.start();
    const waiting = rejectionOf(ssc.awaitTermination(5000));
    await clock.advance(1000);
    const error = (await waiting) as DStreamError;
    expect(error).toBeInstanceOf(DStreamError);
    expect(error.message).toContain('transform');
    expect(error.cause).toBe(boom);
    expect(error.batchTime?.milliseconds).toBe(1000);
    expect(errorLines(logged)).toEqual([
      'ERROR JobGenerator: Error generating jobs for time 1000 ms',
    ]);
  });

  it('a failing batch does not stop later batches', async () => {
    const logged = captureStderr();
    const { ssc, clock } = manualContext();
    const seen: number[][] = [];
    addInputStream(ssc)
      .map((x) => {
        if (x === 2) throw new Error('only batch 2 fails');
        return x * 10;
      })
      .foreachRDD(async (rdd) => {
        seen.push(await rdd.collect());
      });
    await ssc.start();
    await clock.advance(4000);
    expect(seen).toEqual([[10], [30], [40]]);
    expect(ssc.getState()).toBe('ACTIVE');
    expect(ssc.error?.batchTime?.milliseconds).toBe(2000);
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 2000 ms.0',
    ]);
  });
});

describe('StreamingListener', () => {
  type Recorded =
    | { type: 'streamingStarted'; time: number }
    | { type: string; batchTime: number; info: BatchInfo }
    | { type: string; batchTime: number; op: OutputOperationInfo };

  it('sees Submitted → Started → OpStarted → OpCompleted → Completed, with delays', async () => {
    const { ssc, clock } = manualContext();
    const events: Recorded[] = [];
    const batch = (type: string) => (e: { batchInfo: BatchInfo }) =>
      events.push({ type, batchTime: e.batchInfo.batchTime.milliseconds, info: e.batchInfo });
    const op = (type: string) => (e: { outputOperationInfo: OutputOperationInfo }) =>
      events.push({
        type,
        batchTime: e.outputOperationInfo.batchTime.milliseconds,
        op: e.outputOperationInfo,
      });
    const listener: StreamingListener = {
      onStreamingStarted: (e) => events.push({ type: 'streamingStarted', time: e.time }),
      onBatchSubmitted: batch('submitted'),
      onBatchStarted: batch('started'),
      onBatchCompleted: batch('completed'),
      onOutputOperationStarted: op('opStarted'),
      onOutputOperationCompleted: op('opCompleted'),
    };
    ssc.addStreamingListener(listener);
    const input = addInputStream(ssc);
    // The first output takes 300 ms of the (manual) clock, the second none.
    input.foreachRDD(async () => {
      await clock.advance(300);
    });
    input.foreachRDD(() => {});
    await ssc.start();
    await clock.advance(2000);
    await ssc.stop();

    expect(events.map((e) => ('batchTime' in e ? `${e.type}@${e.batchTime}` : e.type))).toEqual([
      'streamingStarted',
      'submitted@1000',
      'started@1000',
      'opStarted@1000',
      'opCompleted@1000',
      'opStarted@1000',
      'opCompleted@1000',
      'completed@1000',
      'submitted@2000',
      'started@2000',
      'opStarted@2000',
      'opCompleted@2000',
      'opStarted@2000',
      'opCompleted@2000',
      'completed@2000',
    ]);
    const completed = events.filter((e) => e.type === 'completed') as { info: BatchInfo }[];
    for (const { info } of completed) {
      expect(info.submissionTime).toBe(info.batchTime.milliseconds);
      expect(info.schedulingDelay).toBe(0);
      expect(info.processingDelay).toBe(300);
      expect(info.totalDelay).toBe(300);
      expect(info.numRecords).toBe(1);
      expect([...info.outputOperationInfos.keys()]).toEqual([0, 1]);
    }
    const ops = events.filter((e) => e.type === 'opCompleted') as { op: OutputOperationInfo }[];
    expect(ops.map((e) => [e.op.id, e.op.endTime! - e.op.startTime!])).toEqual([
      [0, 300],
      [1, 0],
      [0, 300],
      [1, 0],
    ]);
    expect(ops.every((e) => e.op.failureReason === undefined)).toBe(true);
  });

  it('sees the failure reason of a failed output operation', async () => {
    const logged = captureStderr();
    const { ssc, clock } = manualContext();
    const failures: (string | undefined)[] = [];
    ssc.addStreamingListener({
      onBatchCompleted: (e) => failures.push(e.batchInfo.failureReason),
    });
    addInputStream(ssc).foreachRDD(() => {
      throw new Error('output failed');
    });
    await ssc.start();
    await clock.advance(1000);
    await ssc.stop();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('output failed');
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 1000 ms.0',
    ]);
  });

  it('may not stop the context', async () => {
    const { ssc, clock } = manualContext();
    let refused: Promise<unknown> | undefined;
    ssc.addStreamingListener({
      onBatchCompleted: () => {
        refused ??= rejectionOf(ssc.stop());
      },
    });
    addInputStream(ssc).foreachRDD(() => {});
    await ssc.start();
    await clock.advance(1000);
    await ssc.stop();
    expect(refused).toBeDefined();
    expect(await refused).toMatchObject({
      code: 'DSTREAM_ERR_STOP_IN_LISTENER',
      message: 'Cannot stop StreamingContext within listener bus thread.',
    });
  });
});

describe('batches behind a slow one', () => {
  it('are generated at their time and wait in the scheduler: their scheduling delay grows', async () => {
    const clock = new FireAndForgetClock();
    const ssc = new StreamingContext({
      master: 'local[2]',
      appName: 'slow batch',
      batchDuration: Seconds(1),
      conf: { 'spark.dstream.workers.enabled': 'false' },
      clock,
    });
    contexts.push(ssc);
    const events: string[] = [];
    const completed: BatchInfo[] = [];
    ssc.addStreamingListener({
      onBatchSubmitted: (e) => events.push(`submitted@${e.batchInfo.batchTime.milliseconds}`),
      onBatchCompleted: (e) => {
        events.push(`completed@${e.batchInfo.batchTime.milliseconds}`);
        completed.push(e.batchInfo);
      },
    });
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => (release = resolve));
    addInputStream(ssc).foreachRDD(async (_rdd, time) => {
      if (time.milliseconds === 1000) await slow;
    });
    await ssc.start();
    await clock.moveTo(1000);
    await clock.moveTo(2000);
    await clock.moveTo(3000);
    // The first batch still runs; the next two were generated and submitted all the same.
    expect(events).toEqual(['submitted@1000', 'submitted@2000', 'submitted@3000']);
    await clock.moveTo(3500);
    release();
    await turns();
    expect(events.slice(3)).toEqual(['completed@1000', 'completed@2000', 'completed@3000']);
    expect(completed.map((b) => [b.submissionTime, b.schedulingDelay])).toEqual([
      [1000, 0],
      [2000, 1500],
      [3000, 500],
    ]);
  });

  it('are dropped by a stop that is not graceful, and run by a graceful one', async () => {
    for (const stopGracefully of [false, true]) {
      const clock = new FireAndForgetClock();
      const ssc = new StreamingContext({
        master: 'local[2]',
        appName: 'slow batch',
        batchDuration: Seconds(1),
        conf: { 'spark.dstream.workers.enabled': 'false' },
        clock,
      });
      contexts.push(ssc);
      const ran: number[] = [];
      let release: () => void = () => {};
      const slow = new Promise<void>((resolve) => (release = resolve));
      addInputStream(ssc).foreachRDD(async (_rdd, time) => {
        ran.push(time.milliseconds);
        if (time.milliseconds === 1000) await slow;
      });
      await ssc.start();
      await clock.moveTo(3000);
      expect(ran).toEqual([1000]);
      const stopped = ssc.stop({ stopGracefully });
      await turns();
      release();
      await stopped;
      expect(ran).toEqual(stopGracefully ? [1000, 2000, 3000] : [1000]);
    }
  });
});

describe('runBatches', () => {
  it('returns one series per stream when build returns several', async () => {
    const [doubled, counted] = await runBatches({
      inputs: [[[1, 2], [3]]],
      numBatches: 2,
      build: (_ssc, [s]) => [s!.map((x) => x * 2), s!.count()],
    });
    expect(doubled).toEqual([[2, 4], [6]]);
    expect(counted).toEqual([[2], [1]]);
  });

  it('runs every batch even when one fails, then rejects with the first failure', async () => {
    const logged = captureStderr();
    const ran: number[] = [];
    const error = await rejectionOf(
      runBatches({
        inputs: [[[1], [2], [3], [4]]],
        numBatches: 4,
        build: (_ssc, [s]) =>
          s!.map((x) => {
            ran.push(x);
            if (x === 2 || x === 3) throw new Error(`bad ${x}`);
            return x;
          }),
      }),
    );
    expect(ran).toEqual([1, 2, 3, 4]);
    expect(error).toMatchObject({ code: 'DSTREAM_ERR_BATCH_FAILED' });
    expect((error as DStreamError).batchTime?.milliseconds).toBe(2000);
    expect((error as DStreamError).message).toContain('bad 2');
    expect(StreamingContext.getActive()).toBeUndefined();
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 2000 ms.0',
      'ERROR JobScheduler: Error running job streaming job 3000 ms.0',
    ]);
  });

  it('rejects with the error of validation at start, and leaves no active context', async () => {
    const logged = captureStderr();
    const error = await rejectionOf(
      runBatches({
        inputs: [[[1]]],
        numBatches: 1,
        build: (_ssc, [s]) => s!.map((x) => x).checkpoint(Seconds(1)),
      }),
    );
    expect(error).toMatchObject({ code: 'DSTREAM_ERR_CHECKPOINT_DIR_NOT_SET' });
    expect(StreamingContext.getActive()).toBeUndefined();
    expect(errorLines(logged)).toEqual([
      'ERROR StreamingContext: Error starting the context, marking it as stopped',
    ]);
  });

  it('rejects with what build throws, and leaves no active context', async () => {
    const error = await rejectionOf(
      runBatches({
        inputs: [[[1]]],
        numBatches: 1,
        build: (_ssc, [s]) => s!.repartition(0),
      }),
    );
    expect(error).toMatchObject({ code: 'DSTREAM_ERR_INVALID_ARGUMENT' });
    expect(StreamingContext.getActive()).toBeUndefined();
    expect(await runBatches({ inputs: [[[1]]], numBatches: 1, build: (_ssc, [s]) => s! })).toEqual([
      [1],
    ]);
  });

  it('gives an entry only for batches whose stream has an RDD (null input batches)', async () => {
    const output = await runBatches({
      inputs: [[[1], null, [3]]],
      numBatches: 4,
      build: (_ssc, [s]) => s!.map((x) => x),
    });
    expect(output).toEqual([[1], [3], []]);
  });
});

describe('awaitTerminationOrTimeout', () => {
  it('resolves false when the timeout passes first, true once the context stops', async () => {
    const { ssc, clock } = manualContext();
    addInputStream(ssc).foreachRDD(() => {});
    await ssc.start();
    const first = ssc.awaitTerminationOrTimeout(1500);
    let settled = false;
    void first.then(() => (settled = true));
    await clock.advance(1000);
    expect(settled).toBe(false);
    await clock.advance(500);
    expect(await first).toBe(false);
    const second = ssc.awaitTerminationOrTimeout(10_000);
    await clock.advance(2000);
    await ssc.stop();
    expect(await second).toBe(true);
    // Once stopped, at once.
    expect(await ssc.awaitTerminationOrTimeout(0)).toBe(true);
  });

  it('with a negative timeout waits for ever, as Spark', async () => {
    const { ssc, clock } = manualContext();
    addInputStream(ssc).foreachRDD(() => {});
    await ssc.start();
    const forever = ssc.awaitTerminationOrTimeout(-1);
    let settled = false;
    void forever.then(() => (settled = true));
    await clock.advance(1_000_000);
    expect(settled).toBe(false);
    await ssc.stop();
    expect(await forever).toBe(true);
  });

  it('rejects with the first batch failure, as awaitTermination', async () => {
    const { ssc, clock } = manualContext();
    const boom = new Error('error in map task');
    addInputStream(ssc)
      .map((x) => {
        if (x === 2) throw boom;
        return x;
      })
      .foreachRDD(async (rdd) => {
        await rdd.count();
      });
    await ssc.start();
    const waiting = rejectionOf(ssc.awaitTerminationOrTimeout(60_000));
    // The failure's log lines are expected: kept out of the test's output.
    await capturingLog(() => clock.advance(3000));
    const error = (await waiting) as DStreamError;
    expect(error).toBeInstanceOf(DStreamError);
    expect(error.code).toBe('DSTREAM_ERR_BATCH_FAILED');
    expect(error.cause).toBe(boom);
    // Later calls rethrow it at once, whatever their timeout.
    expect(await rejectionOf(ssc.awaitTerminationOrTimeout(0))).toBe(error);
  });
});

// Spark's StreamingContextSuite: "getActive and getActiveOrCreate", "getActiveOrCreate with checkpoint".
describe('getActive and getActiveOrCreate', () => {
  let created = 0;
  function creatingFunc(): StreamingContext {
    created++;
    const { ssc } = manualContext();
    addInputStream(ssc).foreachRDD(async (rdd) => {
      await rdd.count();
    });
    return ssc;
  }
  beforeEach(() => {
    created = 0;
    expect(StreamingContext.getActive()).toBeUndefined();
  });

  it('creates a new context, which getActive returns only once started', async () => {
    const ssc = StreamingContext.getActiveOrCreate(creatingFunc);
    expect(created).toBe(1);
    expect(StreamingContext.getActive()).toBeUndefined();
    await ssc.start();
    expect(StreamingContext.getActive()).toBe(ssc);
    expect(StreamingContext.getActiveOrCreate(creatingFunc)).toBe(ssc);
    expect(created).toBe(1);
    await ssc.stop();
    expect(StreamingContext.getActive()).toBeUndefined();
    const next = StreamingContext.getActiveOrCreate(creatingFunc);
    expect(next).not.toBe(ssc);
    expect(created).toBe(2);
  });

  it('returns a context created independently once it is active', async () => {
    const ssc = creatingFunc();
    expect(StreamingContext.getActive()).toBeUndefined();
    await ssc.start();
    expect(StreamingContext.getActive()).toBe(ssc);
    expect(StreamingContext.getActiveOrCreate(creatingFunc)).toBe(ssc);
    expect(created).toBe(1);
    await ssc.stop();
    expect(StreamingContext.getActive()).toBeUndefined();
  });

  it('returns a context whose start is in progress instead of making one it could not start', async () => {
    const ssc = creatingFunc();
    const starting = ssc.start();
    expect(StreamingContext.getActiveOrCreate(creatingFunc)).toBe(ssc);
    expect(created).toBe(1);
    await starting;
    await ssc.stop();
  });

  it('with a checkpoint directory: the active context, else getOrCreate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dstream-active-'));
    try {
      const clock = new ManualClock(0);
      const totals: number[] = [];
      const records: (readonly [string, number])[] = [];
      const create = (): StreamingContext => {
        created++;
        const ssc = new StreamingContext({
          master: 'local[2]',
          appName: 'active-or-create',
          batchDuration: Seconds(1),
          conf: { 'spark.ui.enabled': 'false' },
          clock,
        });
        contexts.push(ssc);
        ssc.checkpoint(dir);
        new LogInputDStream(ssc, records)
          .updateStateByKey((values: number[], sum: number | undefined) =>
            values.reduce((a, b) => a + b, sum ?? 0),
          )
          .name('total')
          .foreachRDD(async (rdd) => {
            totals.push((await rdd.collect())[0]?.[1] ?? 0);
          });
        return ssc;
      };
      // No checkpoint yet: created.
      const first = StreamingContext.getActiveOrCreate(dir, create);
      expect(created).toBe(1);
      await first.start();
      expect(StreamingContext.getActiveOrCreate(dir, create)).toBe(first);
      expect(created).toBe(1);
      records.push(['n', 1]);
      await clock.advance(1000);
      records.push(['n', 2]);
      await clock.advance(1000);
      await simulateCrash(first);
      expect(totals).toEqual([1, 3]);
      // No active context: recovered from the checkpoint, the total goes on from 3.
      const recovered = StreamingContext.getActiveOrCreate(dir, create);
      expect(recovered).not.toBe(first);
      expect(recovered.getState()).toBe('INITIALIZED');
      records.push(['n', 4]);
      await recovered.start();
      await clock.advance(1000);
      await recovered.stop();
      expect(totals.at(-1)).toBe(7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
