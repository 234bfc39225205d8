import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DStreamError,
  Receiver,
  setLogLevel,
  type DStream,
  type ReceiverInfo,
  type StreamingListener,
} from 'dstream';
import { createManualContext } from 'dstream/testing';
import { captureStderr } from './support/capture-stderr.js';

// Spark's ReceiverSuite / ReceiverInputDStream behaviour: blocks, restarts, stops, rate limits.

class TestReceiver<T = string> extends Receiver<T> {
  starts = 0;
  stops = 0;
  failOnStart = false;
  onStart(): void {
    this.starts++;
    if (this.failOnStart) throw new Error('cannot open');
  }
  onStop(): void {
    this.stops++;
  }
}

interface Batch<T> {
  time: number;
  partitions: T[][];
}

function collectPartitions<T>(stream: DStream<T>): Batch<T>[] {
  const out: Batch<T>[] = [];
  stream.foreachRDD(async (rdd, time) => {
    out.push({ time: time.milliseconds, partitions: await rdd.glom().collect() });
  });
  return out;
}

type ReceiverEvent = { type: 'started' | 'stopped' | 'error'; info: ReceiverInfo };

function receiverEvents(): { events: ReceiverEvent[]; listener: StreamingListener } {
  const events: ReceiverEvent[] = [];
  return {
    events,
    listener: {
      onReceiverStarted: (e) => events.push({ type: 'started', info: e.receiverInfo }),
      onReceiverStopped: (e) => events.push({ type: 'stopped', info: e.receiverInfo }),
      onReceiverError: (e) => events.push({ type: 'error', info: e.receiverInfo }),
    },
  };
}

beforeAll(() => setLogLevel('WARN'));
afterEach(() => vi.restoreAllMocks());

describe('receiver', () => {
  it('cuts single-record stores into one block per block interval, none for an empty one', async () => {
    const { ssc, clock } = createManualContext({
      conf: { 'spark.streaming.blockInterval': '200ms' },
    });
    const receiver = new TestReceiver();
    const stream = ssc.receiverStream(receiver);
    expect(stream.displayName).toBe('Pluggable stream [0]');
    const out = collectPartitions(stream);
    const records: number[] = [];
    ssc.addStreamingListener({
      onBatchCompleted: (e) => records.push(e.batchInfo.numRecords),
    });
    await ssc.start();
    expect(receiver.isStarted()).toBe(true);
    expect(receiver.streamId).toBe(0);
    // Batch 1: a record in each of the five intervals of (0, 1000].
    for (const r of ['a', 'b', 'c', 'd', 'e']) {
      receiver.store(r);
      if (r === 'c') receiver.store('c2');
      await clock.advance(200);
    }
    // Batch 2: records in two intervals only.
    receiver.store('f');
    await clock.advance(400);
    receiver.store('g');
    await clock.advance(600);
    // Batch 3: nothing.
    await clock.advance(1000);
    await ssc.stop();
    expect(out).toEqual([
      { time: 1000, partitions: [['a'], ['b'], ['c', 'c2'], ['d'], ['e']] },
      { time: 2000, partitions: [['f'], ['g']] },
      { time: 3000, partitions: [] },
    ]);
    expect(records).toEqual([6, 2, 0]);
  });

  it('stores an array or an iterator as one block at once', async () => {
    const { ssc, clock } = createManualContext();
    const receiver = new TestReceiver();
    const out = collectPartitions(ssc.receiverStream(receiver));
    await ssc.start();
    receiver.store('single');
    receiver.store(['x', 'y']);
    receiver.store(['z', 'w'][Symbol.iterator]());
    await clock.advance(1000);
    await ssc.stop();
    expect(out).toEqual([{ time: 1000, partitions: [['x', 'y'], ['z', 'w'], ['single']] }]);
  });

  it('stores a pair as one record with storeRecord', async () => {
    const { ssc, clock } = createManualContext();
    const receiver = new TestReceiver<readonly [string, number]>();
    const out = collectPartitions(ssc.receiverStream(receiver));
    await ssc.start();
    receiver.storeRecord(['a', 1]);
    receiver.store([
      ['b', 2],
      ['c', 3],
    ]);
    await clock.advance(1000);
    await ssc.stop();
    expect(out[0]!.partitions).toEqual([
      [
        ['b', 2],
        ['c', 3],
      ],
      [['a', 1]],
    ]);
  });

  it('restarts after the restart delay on the context clock, with Spark warning', async () => {
    const log = captureStderr();
    const { ssc, clock } = createManualContext();
    const receiver = new TestReceiver();
    const { events, listener } = receiverEvents();
    ssc.addStreamingListener(listener);
    const out = collectPartitions(ssc.receiverStream(receiver));
    const terminated = ssc.awaitTermination();
    await ssc.start();
    receiver.store('before');
    receiver.restart('connection lost', new Error('boom'));
    receiver.restart('ignored while a restart is under way');
    await clock.advance(0);
    expect(receiver.stops).toBe(1);
    expect(receiver.isStopped()).toBe(true);
    // Records stored during the delay are kept, as Spark's block generator keeps running.
    receiver.store('during');
    await clock.advance(1999);
    expect(receiver.starts).toBe(1);
    await clock.advance(1);
    expect(receiver.starts).toBe(2);
    expect(receiver.isStarted()).toBe(true);
    receiver.store('after');
    // A custom delay.
    receiver.restart('again', undefined, 500);
    await clock.advance(499);
    expect(receiver.starts).toBe(2);
    await clock.advance(501);
    expect(receiver.starts).toBe(3);
    await ssc.stop();
    await expect(terminated).resolves.toBe(true);

    expect(out.flatMap((b) => b.partitions.flat())).toEqual(['before', 'during', 'after']);
    expect(
      log.filter((l) => l.includes('Restarting receiver')).map((l) => l.split('\n')[0]),
    ).toEqual([
      expect.stringMatching(
        / WARN ReceiverSupervisorImpl: Restarting receiver with delay 2000 ms: connection lost$/,
      ),
      expect.stringMatching(
        /ERROR ReceiverTracker: Deregistered receiver for stream 0: Restarting receiver with delay 2000ms: connection lost - Error: boom$/,
      ),
      expect.stringMatching(
        / WARN ReceiverSupervisorImpl: Restarting receiver with delay 500 ms: again$/,
      ),
      expect.stringMatching(
        /ERROR ReceiverTracker: Deregistered receiver for stream 0: Restarting receiver with delay 500ms: again$/,
      ),
    ]);
    expect(events.map((e) => [e.type, e.info.active, e.info.lastErrorMessage])).toEqual([
      ['started', true, ''],
      ['stopped', false, 'Restarting receiver with delay 2000ms: connection lost'],
      ['started', true, ''],
      ['stopped', false, 'Restarting receiver with delay 500ms: again'],
      ['started', true, ''],
      ['stopped', false, 'Stopped by driver'],
    ]);
    const lost = events[1]!.info;
    expect(lost.name).toBe('TestReceiver-0');
    expect(lost.streamId).toBe(0);
    expect(lost.lastError).toMatch(/^Error: boom/);
    expect(lost.lastErrorTime).toBe(0);
    expect(events[3]!.info.lastErrorTime).toBe(-1);
  });

  it('reports errors to listeners and goes on receiving', async () => {
    const log = captureStderr();
    const { ssc, clock } = createManualContext();
    const receiver = new TestReceiver();
    const { events, listener } = receiverEvents();
    ssc.addStreamingListener(listener);
    const out = collectPartitions(ssc.receiverStream(receiver));
    await ssc.start();
    await clock.advance(300);
    receiver.reportError('bad record', new Error('parse'));
    receiver.store('still here');
    await clock.advance(700);
    await ssc.stop();
    expect(out[0]!.partitions).toEqual([['still here']]);
    const error = events.find((e) => e.type === 'error')!.info;
    expect(error).toMatchObject({
      active: true,
      lastErrorMessage: 'bad record',
      lastErrorTime: 300,
    });
    expect(error.lastError).toMatch(/^Error: parse/);
    expect(log.join('')).toMatch(
      /WARN ReceiverTracker: Error reported by receiver for stream 0: bad record - Error: parse/,
    );
    expect(receiver.stops).toBe(1);
  });

  it('stops for good on stop(): later stores are refused, batches go on', async () => {
    captureStderr();
    const { ssc, clock } = createManualContext();
    const receiver = new TestReceiver();
    const { events, listener } = receiverEvents();
    ssc.addStreamingListener(listener);
    const out = collectPartitions(ssc.receiverStream(receiver));
    const terminated = ssc.awaitTermination();
    await ssc.start();
    receiver.store('last');
    receiver.stop('no more input');
    expect(receiver.stops).toBe(1);
    expect(receiver.isStopped()).toBe(true);
    expect(() => receiver.store('late')).toThrow(
      new DStreamError(
        'DSTREAM_ERR_RECEIVER',
        'Cannot add data as BlockGenerator has not been started or has been stopped',
      ),
    );
    expect(() => receiver.store(['late'])).toThrow(/Cannot add data/);
    await clock.advance(3000);
    await ssc.stop();
    await expect(terminated).resolves.toBe(true);
    expect(receiver.starts).toBe(1);
    expect(out.map((b) => b.partitions)).toEqual([[['last']], [], []]);
    expect(events.map((e) => [e.type, e.info.lastErrorMessage])).toEqual([
      ['started', ''],
      ['stopped', 'no more input'],
    ]);
  });

  it('refuses stores before the receiver is started, with Spark message', () => {
    const receiver = new TestReceiver();
    expect(() => receiver.store('x')).toThrow(
      'assertion failed: A ReceiverSupervisor has not been attached to the receiver yet. Maybe you are starting some computation in the receiver before the Receiver.onStart() has been called.',
    );
    expect(receiver.isStarted()).toBe(false);
    expect(receiver.isStopped()).toBe(false);
    expect(receiver.streamId).toBe(-1);
  });

  it('stops a receiver whose onStart throws and starts it again after the restart delay, while the context keeps running', async () => {
    captureStderr();
    const { ssc, clock } = createManualContext({
      conf: { 'spark.streaming.receiverRestartDelay': '500' },
    });
    const receiver = new TestReceiver();
    receiver.failOnStart = true;
    const { events, listener } = receiverEvents();
    ssc.addStreamingListener(listener);
    const out = collectPartitions(ssc.receiverStream(receiver));
    const terminated = ssc.awaitTermination();
    await ssc.start();
    await clock.advance(499);
    expect(receiver.starts).toBe(1);
    await clock.advance(1);
    expect(receiver.starts).toBe(2);
    await clock.advance(1500); // every 500 ms for as long as it fails
    expect(receiver.starts).toBe(5);
    receiver.failOnStart = false;
    await clock.advance(500);
    expect(receiver.starts).toBe(6);
    await clock.advance(5000);
    expect(receiver.starts).toBe(6);
    await ssc.stop();
    await expect(terminated).resolves.toBe(true);
    expect(out).toHaveLength(7);
    expect(events.slice(0, 4).map((e) => e.type)).toEqual([
      'started',
      'stopped',
      'started',
      'stopped',
    ]);
    expect(events[1]).toMatchObject({
      type: 'stopped',
      info: { lastErrorMessage: 'Error starting receiver 0' },
    });
    expect(events[1]!.info.lastError).toMatch(/cannot open/);
    expect(events.at(-1)).toMatchObject({
      type: 'stopped',
      info: { lastErrorMessage: 'Stopped by driver' },
    });
  });

  it('waits spark.streaming.receiverRestartDelay before starting a restarted receiver', async () => {
    const log = captureStderr();
    const { ssc, clock } = createManualContext({
      conf: { 'spark.streaming.receiverRestartDelay': '750' },
    });
    const receiver = new TestReceiver();
    const { events, listener } = receiverEvents();
    ssc.addStreamingListener(listener);
    ssc.receiverStream(receiver).foreachRDD(() => {});
    await ssc.start();
    await clock.advance(100);
    receiver.restart('source went away');
    await clock.advance(749); // t = 849: the delay runs from the restart, at 100
    expect(receiver.starts).toBe(1);
    await clock.advance(1); // t = 850
    expect(receiver.starts).toBe(2);
    await ssc.stop();
    expect(events[1]!.info.lastErrorMessage).toBe(
      'Restarting receiver with delay 750ms: source went away',
    );
    expect(log.join('')).toContain(
      'WARN ReceiverSupervisorImpl: Restarting receiver with delay 750 ms: source went away',
    );
  });

  it('requires a positive block interval, with Spark message', async () => {
    captureStderr();
    const { ssc } = createManualContext({ conf: { 'spark.streaming.blockInterval': '0ms' } });
    ssc.receiverStream(new TestReceiver()).foreachRDD(() => {});
    await expect(ssc.start()).rejects.toThrow(
      "requirement failed: 'spark.streaming.blockInterval' should be a positive value",
    );
    expect(ssc.getState()).toBe('STOPPED');
  });

  it('limits single-record stores to the rate, which can be updated', async () => {
    const { ssc, clock } = createManualContext({
      conf: { 'spark.streaming.backpressure.initialRate': '10' },
    });
    const receiver = new TestReceiver<number>();
    const stream = ssc.receiverStream(receiver);
    const out = collectPartitions(stream);
    await ssc.start();
    expect(stream.rateLimit).toBe(10);
    // 10 records/s with 200 ms blocks: 2 records per block, the rest waits in order.
    for (let i = 0; i < 10; i++) receiver.store(i);
    await clock.advance(1000);
    // A new rate applies from the next interval.
    stream.updateRateLimit(20);
    stream.updateRateLimit(0); // ignored, as in Spark
    expect(stream.rateLimit).toBe(20);
    await clock.advance(200);
    for (let i = 10; i < 26; i++) receiver.store(i);
    await clock.advance(800);
    await ssc.stop();
    expect(out[0]!.partitions).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
      [8, 9],
    ]);
    // 4 per block at 20/s, plus the allowance left unused since t=1000 (2 at 10/s, then 4 at
    // 20/s): up to one second of it carries over, as with Guava's bursty limiter.
    expect(out[1]!.partitions.map((p) => p.length)).toEqual([6, 4, 4, 2]);
    expect(out[1]!.partitions.flat()).toEqual(Array.from({ length: 16 }, (_, i) => i + 10));
  });

  it('caps rate updates at spark.streaming.receiver.maxRate', async () => {
    const { ssc } = createManualContext({ conf: { 'spark.streaming.receiver.maxRate': '10' } });
    const stream = ssc.receiverStream(new TestReceiver());
    stream.foreachRDD(() => {});
    await ssc.start();
    stream.updateRateLimit(50);
    expect(stream.rateLimit).toBe(10);
    await ssc.stop();
  });

  it('processes what the receiver buffered on a graceful stop', async () => {
    const { ssc, clock } = createManualContext();
    const receiver = new TestReceiver();
    const out = collectPartitions(ssc.receiverStream(receiver));
    await ssc.start();
    await clock.advance(100);
    receiver.store('a');
    receiver.store('b');
    const stopping = ssc.stop({ stopGracefully: true });
    await clock.advance(1000);
    await stopping;
    expect(receiver.stops).toBe(1);
    expect(out).toEqual([{ time: 1000, partitions: [['a', 'b']] }]);
  });
});
