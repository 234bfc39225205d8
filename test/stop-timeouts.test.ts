// How long stop() waits, as Spark's. Gracefully (JobGenerator.stop(processReceivedData = true)):
// for the received data to be taken by a batch, and for the last batch to be generated and
// processed, bounded by spark.streaming.gracefulStopTimeout (10 batch intervals by default); past
// it Spark warns "Timed out while stopping the job generator (timeout = <ms>)" and goes on; then
// up to an hour for the jobs still running (its job pool's awaitTermination). Otherwise: 2 s.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  InputDStream,
  Receiver,
  Seconds,
  setLogLevel,
  StreamingContext,
  type RDD,
  type Time,
} from 'dstream';
import { FireAndForgetClock, gate, turns } from './support/fire-and-forget-clock.js';
import { captureStderr } from './support/capture-stderr.js';

/** A receiver the test stores into. */
class TestReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

/**
 * A source whose batches from `stuckFrom` on never finish preparing, as a broker that stops
 * answering or a listing of a hung file system: no batch can be generated after it.
 */
class StuckInput extends InputDStream<string> {
  readonly never = gate();
  constructor(
    ssc: StreamingContext,
    private readonly stuckFrom: number,
  ) {
    super(ssc);
  }
  override async prepareBatch(time: Time): Promise<void> {
    if (time.milliseconds >= this.stuckFrom) await this.never.opened;
  }
  compute(): RDD<string> {
    return this.ssc.sparkContext.parallelize<string>([], 1);
  }
}

const contexts: StreamingContext[] = [];
const stuck: StuckInput[] = [];
/** Gates of jobs that never end, opened after the test. */
const stuckGates: (() => void)[] = [];
beforeAll(() => setLogLevel('WARN'));
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of stuck.splice(0)) s.never.open();
  for (const open of stuckGates.splice(0)) open();
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

/** A context whose batch at 2000 can never be generated, with data received for it. */
async function stuckContext(conf: Record<string, string>) {
  const clock = new FireAndForgetClock();
  const ssc = new StreamingContext({
    master: 'local[2]',
    appName: 'graceful stop',
    batchDuration: Seconds(1),
    conf: { ...conf, 'spark.dstream.workers.enabled': 'false' },
    clock,
  });
  contexts.push(ssc);
  const input = new StuckInput(ssc, 2000);
  stuck.push(input);
  const receiver = new TestReceiver();
  const received: string[][] = [];
  input
    .union(ssc.receiverStream(receiver))
    .foreachRDD(async (rdd) => void received.push(await rdd.collect()));
  await ssc.start();
  await clock.moveTo(1000);
  await clock.moveTo(1500);
  receiver.store('a');
  receiver.store('b');
  let stopped = false;
  const stopping = ssc.stop({ stopGracefully: true }).then(() => (stopped = true));
  await turns();
  return { ssc, clock, received, stopping, isStopped: () => stopped };
}

describe('graceful stop', () => {
  it('gives up waiting for data that cannot drain after spark.streaming.gracefulStopTimeout', async () => {
    const log = captureStderr();
    const { ssc, clock, received, stopping, isStopped } = await stuckContext({
      'spark.streaming.gracefulStopTimeout': '3s',
    });
    await clock.moveTo(2000); // the batch that would take 'a' and 'b' never gets generated
    await clock.moveTo(4499);
    expect(isStopped()).toBe(false);
    await clock.moveTo(4500); // 3 s after stop() was called
    await stopping;
    expect(ssc.getState()).toBe('STOPPED');
    expect(received).toEqual([[]]);
    expect(log.join('')).toContain(
      'WARN JobGenerator: Timed out while stopping the job generator (timeout = 3000)',
    );
  });

  it('waits 10 batch intervals by default', async () => {
    captureStderr();
    const { clock, stopping, isStopped } = await stuckContext({});
    await clock.moveTo(11_499);
    expect(isStopped()).toBe(false);
    await clock.moveTo(11_500);
    await stopping;
  });

  it('then waits an hour at most for a job that never ends', async () => {
    const log = captureStderr();
    const clock = new FireAndForgetClock();
    const ssc = new StreamingContext({
      master: 'local[2]',
      appName: 'graceful stop',
      batchDuration: Seconds(1),
      conf: {
        'spark.streaming.gracefulStopTimeout': '3s',
        'spark.dstream.workers.enabled': 'false',
      },
      clock,
    });
    contexts.push(ssc);
    const never = gate();
    stuckGates.push(never.open);
    ssc.queueStream([ssc.sparkContext.parallelize([1])]).foreachRDD(async (_rdd, time) => {
      if (time.milliseconds === 1000) await never.opened; // a sink that never answers
    });
    await ssc.start();
    await clock.moveTo(1000);
    let stopped = false;
    const stopping = ssc.stop({ stopGracefully: true }).then(() => (stopped = true));
    await turns();
    await clock.moveTo(4000);
    expect(log.join('')).toContain('Timed out while stopping the job generator (timeout = 3000)');
    await clock.moveTo(4000 + 3_600_000 - 1);
    expect(stopped).toBe(false);
    await clock.moveTo(4000 + 3_600_000);
    await stopping;
    expect(log.join('')).toContain(
      'WARN StreamingContext: A job was still running 1 h after a graceful stop(): stopping without it',
    );
  });
});

describe('stop that is not graceful', () => {
  it('waits 2 s at most for a batch whose input never finishes preparing', async () => {
    const log = captureStderr();
    const clock = new FireAndForgetClock();
    const ssc = new StreamingContext({
      master: 'local[2]',
      appName: 'stop',
      batchDuration: Seconds(1),
      conf: { 'spark.dstream.workers.enabled': 'false' },
      clock,
    });
    contexts.push(ssc);
    const input = new StuckInput(ssc, 1000);
    stuck.push(input);
    input.foreachRDD(() => {});
    await ssc.start();
    await clock.moveTo(1000);
    let stopped = false;
    const stopping = ssc.stop().then(() => (stopped = true));
    await turns();
    await clock.moveTo(2999);
    expect(stopped).toBe(false);
    await clock.moveTo(3000);
    await stopping;
    expect(log.join('')).toContain(
      'WARN StreamingContext: A batch was still being generated 2 s after stop() (an input did not finish preparing it): stopping without it',
    );
    // The abandoned generation, once its input answers, generates nothing.
    input.never.open();
    await turns();
    expect(log.join('')).not.toMatch(/ERROR/);
  });
});
