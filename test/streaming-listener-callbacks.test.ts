// Spark's StreamingListenerSuite, the callbacks a listener gets over the life of an application:
// streaming started, receiver started/error/stopped, and the names Spark gives output operations
// (their call sites). Also Spark's StatsReportListener, which logs delay distributions.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Receiver,
  setLogLevel,
  StatsReportListener,
  type OutputOperationInfo,
  type ReceiverInfo,
} from 'dstream';
import { createManualContext, TestInputStream } from 'dstream/testing';
import { captureStderr } from './support/capture-stderr.js';

class QuietReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

beforeAll(() => setLogLevel('OFF'));
afterEach(() => {
  vi.restoreAllMocks();
  setLogLevel('OFF');
});

describe('StreamingListenerSuite: callbacks', () => {
  it('onStreamingStarted carries the clock time at the end of start()', async () => {
    const { ssc, clock } = createManualContext();
    await clock.advance(250);
    const times: number[] = [];
    ssc.addStreamingListener({ onStreamingStarted: (e) => times.push(e.time) });
    new TestInputStream(ssc, [[1]], 1).foreachRDD(() => {});
    await ssc.start();
    await ssc.stop();
    expect(times).toEqual([250]);
  });

  it("receiver events carry Spark's ReceiverInfo: stream id, name, host, executor, last error", async () => {
    const { ssc, clock } = createManualContext();
    const events: [string, ReceiverInfo][] = [];
    ssc.addStreamingListener({
      onReceiverStarted: (e) => events.push(['started', e.receiverInfo]),
      onReceiverError: (e) => events.push(['error', e.receiverInfo]),
      onReceiverStopped: (e) => events.push(['stopped', e.receiverInfo]),
    });
    const receiver = new QuietReceiver();
    ssc.receiverStream(receiver).foreachRDD(() => {});
    await ssc.start();
    await clock.advance(300);
    receiver.reportError('parse failed', new Error('bad line'));
    await clock.advance(700);
    await ssc.stop();

    expect(events.map(([type]) => type)).toEqual(['started', 'error', 'stopped']);
    const [started, error, stopped] = events.map(([, info]) => info);
    const common = { streamId: 0, name: 'QuietReceiver-0', executorId: 'driver' };
    expect(started).toEqual({
      ...common,
      active: true,
      location: expect.any(String) as string,
      lastErrorMessage: '',
      lastError: '',
      lastErrorTime: -1,
    });
    expect(error).toMatchObject({ ...common, active: true, lastErrorMessage: 'parse failed' });
    expect(error!.lastError).toContain('bad line');
    expect(error!.lastErrorTime).toBe(300);
    expect(stopped).toMatchObject({ ...common, active: false, lastErrorTime: -1 });
  });

  it("names each output operation by its call site: `<operation> at <file>:<line>`, the user's frames as description", async () => {
    const { ssc, clock } = createManualContext();
    const ops: OutputOperationInfo[] = [];
    ssc.addStreamingListener({
      onOutputOperationCompleted: (e) => ops.push(e.outputOperationInfo),
    });
    const input = new TestInputStream(ssc, [[1]], 1);
    const line = Number(new Error().stack!.split('\n')[1]!.match(/:(\d+):\d+\)?$/)![1]);
    input.foreachRDD(() => {});
    input.count().foreachRDD(() => {});
    await ssc.start();
    await clock.advance(1000);
    await ssc.stop();

    const file = 'streaming-listener-callbacks.test.ts';
    expect(ops.map((op) => op.name)).toEqual([
      `foreachRDD at ${file}:${line + 1}`,
      `foreachRDD at ${file}:${line + 2}`,
    ]);
    // The long call site: the frames of this test function, innermost (the declaration) first.
    const firstFrame = ops[0]!.description.split('\n')[0]!;
    expect(firstFrame).toMatch(new RegExp(`${file}:${line + 1}:\\d+\\)?$`));
    expect(ops[0]!.description).not.toContain('/src/');
  });
});

describe('StatsReportListener', () => {
  it("logs Spark's total delay and processing time distributions of the last N batches", async () => {
    const { ssc, clock } = createManualContext();
    const stats = new StatsReportListener(2);
    ssc.addStreamingListener(stats);
    // Each batch takes its time on the clock (inside its job), less than the interval; only the
    // last 2 batches count: their delays are 300 ms and 600 ms (none waits to be scheduled).
    const took = [100, 300, 600];
    new TestInputStream(ssc, [[1], [2], [3]], 1).foreachRDD(async () => {
      await clock.advance(took.shift()!);
    });
    setLogLevel('INFO');
    const lines = captureStderr();
    await ssc.start();
    await clock.advance(1000);
    await clock.advance(900);
    await clock.advance(700);
    await ssc.stop();

    expect(stats.batchInfos.map((b) => b.batchTime.milliseconds)).toEqual([2000, 3000]);
    const logged = lines
      .filter((l) => l.includes(' INFO StatsReportListener: '))
      .map((l) => l.slice(l.indexOf('StatsReportListener: ') + 21).trimEnd())
      .slice(-6);
    const percentiles = '\t0%\t5%\t10%\t25%\t50%\t75%\t90%\t95%\t100%';
    const summary =
      '(count: 2, mean: 450.000000, stdev: 150.000000, max: 600.000000, min: 300.000000)';
    const quantiles = '\t300 ms\t300 ms\t300 ms\t300 ms\t600 ms\t600 ms\t600 ms\t600 ms\t600 ms';
    expect(logged).toEqual([
      `Total delay: ${summary}`,
      percentiles,
      quantiles,
      `Processing time: ${summary}`,
      percentiles,
      quantiles,
    ]);
  });
});
