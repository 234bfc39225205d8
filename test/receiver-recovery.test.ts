// A receiver's data across a stop or a crash: a stop leaves a snapshot of the last completed batch,
// so totals already output never go backwards; a crash without the write-ahead log loses the
// received data of the batches recovery computes again, and says so; with the log
// (spark.streaming.receiver.writeAheadLog.enable) the totals are exact after any crash.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, Receiver, Seconds, StreamingContext } from 'dstream';
import { simulateCrash } from 'dstream/testing';
import { stateDirName } from '../src/streaming/checkpoint/state-keys.js';
import { sortEntries, sums } from './fixtures/checkpoint-streams.js';
import { removeTempDirs, tempDir, type Entry } from './support/sums-app.js';
import { captureStderr, errorLines } from './support/capture-stderr.js';

afterEach(() => {
  removeTempDirs();
  vi.restoreAllMocks();
});

/** A receiver the test feeds by hand. */
class HandFedReceiver extends Receiver<Entry> {
  onStart(): void {}
  onStop(): void {}
}

interface ReceiverApp {
  ssc: StreamingContext;
  clock: ManualClock;
  receiver: HandFedReceiver;
  out: Map<number, Entry[]>;
}

/** Running sums of what the receiver gets, snapshotted every 5 batches; recovered from `dir`. */
function startApp(dir: string, now: number, wal: boolean): ReceiverApp {
  const clock = new ManualClock(now);
  const receiver = new HandFedReceiver();
  const out = new Map<number, Entry[]>();
  const ssc = StreamingContext.getOrCreate(dir, () => {
    const ssc = new StreamingContext({
      master: 'local[1]',
      appName: 'receiver-sums',
      batchDuration: Seconds(1),
      clock,
      conf: { 'spark.streaming.receiver.writeAheadLog.enable': String(wal) },
    });
    ssc.checkpoint(dir);
    ssc
      .receiverStream(receiver)
      .updateStateByKey((values: number[], sum: number | undefined) =>
        values.reduce((a, b) => a + b, sum ?? 0),
      )
      .name('totals')
      .checkpoint(Seconds(5))
      .foreachRDD(async (rdd, time) => {
        out.set(time.milliseconds, sortEntries(await rdd.collect()));
      });
    return ssc;
  });
  return { ssc, clock, receiver, out };
}

/** Feeds one record per key and batch until the clock reaches `untilMs`. */
async function feed(app: ReceiverApp, fed: Entry[], untilMs: number): Promise<void> {
  while (app.clock.now() < untilMs) {
    const record: Entry = [`k${fed.length % 3}`, fed.length + 1];
    fed.push(record);
    app.receiver.storeRecord(record);
    await app.clock.advance(Math.min(1000, untilMs - app.clock.now()));
  }
}

/** The newest output of a run. */
function lastOutput(app: ReceiverApp): Entry[] {
  return app.out.get(Math.max(...app.out.keys()))!;
}

const total = (entries: Entry[]) => entries.reduce((sum, [, v]) => sum + v, 0);

describe('a stop without the write-ahead log', () => {
  for (const stopGracefully of [true, false]) {
    it(`leaves a snapshot of the last completed batch (${stopGracefully ? 'graceful' : 'not graceful'}): totals go on from there`, async () => {
      const dir = tempDir();
      const fed: Entry[] = [];
      const first = startApp(dir, 0, false);
      await first.ssc.start();
      await feed(first, fed, 7000); // snapshots at 5 s; batches 6 and 7 after it
      await first.clock.advance(1000); // nothing buffered in the receiver at the stop
      await first.ssc.stop({ stopGracefully });
      const before = lastOutput(first);
      expect(before).toEqual(sums(fed));

      const snapshots = readdirSync(join(dir, 'state', stateDirName('totals'))).sort();
      expect(snapshots).toContain('snapshot-8000');

      const warnings = captureStderr();
      const second = startApp(dir, 9500, false);
      await second.ssc.start();
      await feed(second, fed, 13_000);
      await second.ssc.stop();
      // The batch of the snapshot (8 s) does not run again; 9 s (missed while down) does.
      expect(Math.min(...second.out.keys())).toBe(9000);
      expect(second.out.get(9000)).toEqual(before);
      expect(lastOutput(second)).toEqual(sums(fed));
      expect(warnings.join('')).not.toContain('could not be recovered');
    });
  }
});

describe('a crash without the write-ahead log', () => {
  it('loses the received data of the batches computed again, and says so', async () => {
    const dir = tempDir();
    const fed: Entry[] = [];
    const first = startApp(dir, 0, false);
    await first.ssc.start();
    await feed(first, fed, 7000);
    await simulateCrash(first.ssc);
    const before = lastOutput(first);

    const warnings = captureStderr();
    const second = startApp(dir, 7500, false);
    await second.ssc.start();
    await second.clock.advance(500);
    await second.ssc.stop();
    // Back to the snapshot of 5 s: batches 6 and 7 ran before with data that is gone.
    expect(total(lastOutput(second))).toBeLessThan(total(before));
    const text = warnings.join('');
    expect(text).toContain(
      'Some blocks could not be recovered as they were not found in memory. To prevent such data loss, enable Write Ahead Log',
    );
    expect(text).toMatch(
      /the batch of 6000 ms had 1 records, received before the restart; 1 cannot be recovered/,
    );
    expect(text).toContain('spark.streaming.receiver.writeAheadLog.enable=true');
  });
});

/** From `fromMs` on, the app's checkpoints are not written (as if the crash came before them). */
function dropCheckpointsFrom(app: ReceiverApp, fromMs: number): void {
  const checkpointer = app.ssc.generator.checkpointer!;
  const { afterGeneration, afterCompletion } = checkpointer;
  checkpointer.afterGeneration = (time, jobs) =>
    time.milliseconds >= fromMs
      ? Promise.resolve()
      : afterGeneration.call(checkpointer, time, jobs);
  checkpointer.afterCompletion = (time) =>
    time.milliseconds >= fromMs ? Promise.resolve() : afterCompletion.call(checkpointer, time);
}

describe('a crash before the batch checkpoint is written', () => {
  for (const wal of [false, true]) {
    it(`knows what the batch had from the allocation log (${wal ? 'and gets it back from the write-ahead log' : 'and says it is lost'})`, async () => {
      const dir = tempDir();
      const fed: Entry[] = [];
      const first = startApp(dir, 0, wal);
      await first.ssc.start();
      await feed(first, fed, 5000);
      dropCheckpointsFrom(first, 6000);
      await feed(first, fed, 6000);
      await simulateCrash(first.ssc);
      expect(lastOutput(first)).toEqual(sums(fed));

      const warnings = captureStderr();
      const second = startApp(dir, 6500, wal);
      await second.ssc.start();
      await second.clock.advance(500);
      await second.ssc.stop();
      if (wal) {
        expect(lastOutput(second)).toEqual(sums(fed));
        expect(warnings.join('')).not.toContain('could not be recovered');
      } else {
        expect(warnings.join('')).toMatch(
          /the batch of 6000 ms had 1 records, received before the restart; 1 cannot be recovered/,
        );
      }
    });
  }
});

describe('the receiver write-ahead log', () => {
  it('needs a checkpoint directory, as in Spark', async () => {
    const logged = captureStderr();
    const ssc = new StreamingContext({
      master: 'local[1]',
      appName: 'no-checkpoint',
      batchDuration: Seconds(1),
      clock: new ManualClock(0),
      conf: { 'spark.streaming.receiver.writeAheadLog.enable': 'true' },
    });
    ssc.receiverStream(new HandFedReceiver()).foreachRDD(() => {});
    await expect(ssc.start()).rejects.toMatchObject({
      code: 'DSTREAM_ERR_WAL_WITHOUT_CHECKPOINT',
      message:
        'Cannot enable receiver write-ahead log without checkpoint directory set. Please use streamingContext.checkpoint() to set the checkpoint directory. See documentation for more details.',
    });
    expect(errorLines(logged)).toEqual([
      'ERROR StreamingContext: Error starting the context, marking it as stopped',
    ]);
  });

  // A crash after each batch of a snapshot cycle (5 batches), and one with received blocks that
  // no batch took yet: every record fed is counted exactly once.
  for (const crashAtMs of [5000, 6000, 7000, 8000, 9000, 9500]) {
    it(`gives exact totals after a crash at ${crashAtMs} ms`, async () => {
      const dir = tempDir();
      const fed: Entry[] = [];
      const first = startApp(dir, 0, true);
      await first.ssc.start();
      await feed(first, fed, crashAtMs);
      await simulateCrash(first.ssc);
      const before = lastOutput(first);
      expect(readdirSync(join(dir, 'receivedData', '0')).length).toBeGreaterThan(0);

      const warnings = captureStderr();
      const second = startApp(dir, crashAtMs + 500, true);
      await second.ssc.start();
      await feed(second, fed, crashAtMs + 4000);
      await second.clock.advance(1000);
      await second.ssc.stop();
      expect(second.ssc.error).toBeUndefined();
      for (const entries of second.out.values()) {
        expect(total(entries)).toBeGreaterThanOrEqual(total(before));
      }
      expect(lastOutput(second)).toEqual(sums(fed));
      expect(warnings.join('')).not.toContain('could not be recovered');
    });
  }

  it('still processes a block it cannot write, and reports it as the receiver error', async () => {
    const dir = tempDir();
    const receiver = new HandFedReceiver();
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({
      master: 'local[1]',
      appName: 'unloggable',
      batchDuration: Seconds(1),
      clock,
      conf: { 'spark.streaming.receiver.writeAheadLog.enable': 'true' },
    });
    ssc.checkpoint(dir);
    const errors: string[] = [];
    ssc.addStreamingListener({
      onReceiverError: (e) => errors.push(e.receiverInfo.lastErrorMessage),
    });
    const counts: number[] = [];
    ssc.receiverStream(receiver).foreachRDD(async (rdd) => {
      counts.push(await rdd.count());
    });
    captureStderr();
    await ssc.start();
    // A function cannot be serialised: the block stays in memory only.
    receiver.store([['a', 1], (() => 1) as unknown as Entry]);
    await clock.advance(1000);
    await ssc.stop();
    expect(counts).toEqual([2]);
    expect(errors).toEqual([
      expect.stringMatching(
        /^Cannot write block input-0-\d+ to the write ahead log: its 2 records are kept in memory only and would be lost by a crash$/,
      ),
    ]);
  });

  it('deletes the log files no recovery needs any more', async () => {
    const dir = tempDir();
    const fed: Entry[] = [];
    // The log rolls every 60 s by default: 200 s make four files, of which the oldest go.
    const app = startApp(dir, 0, true);
    await app.ssc.start();
    await feed(app, fed, 200_000);
    await app.ssc.stop();
    const files = readdirSync(join(dir, 'receivedData', '0'));
    expect(files.length).toBeLessThanOrEqual(2);
    expect(lastOutput(app)).toEqual(sums(fed));
  });
});

// Receiver.storeReliably, Spark's blocking store(ArrayBuffer): what a reliable receiver (the Kafka
// receiver) waits for before acknowledging records to its source.
describe('storeReliably', () => {
  it('resolves once the block is in the log, so a crash right after loses nothing', async () => {
    const dir = tempDir();
    const fed: Entry[] = [
      ['k0', 1],
      ['k1', 2],
    ];
    const first = startApp(dir, 0, true);
    await first.ssc.start();
    await first.receiver.storeReliably(fed);
    await simulateCrash(first.ssc);

    const second = startApp(dir, 500, true);
    await second.ssc.start();
    await second.clock.advance(1000);
    await second.ssc.stop();
    expect(lastOutput(second)).toEqual(sums(fed));
  });

  it('rejects, keeping nothing, when the log cannot write the block', async () => {
    const dir = tempDir();
    const app = startApp(dir, 0, true);
    await app.ssc.start();
    const unserialisable = (() => 1) as unknown as Entry;
    await expect(app.receiver.storeReliably([['a', 1], unserialisable])).rejects.toMatchObject({
      code: 'DSTREAM_ERR_WAL_WRITE',
    });
    await app.receiver.storeReliably([['b', 2]]);
    await app.clock.advance(1000);
    await app.ssc.stop();
    expect(lastOutput(app)).toEqual([['b', 2]]);
  });

  it('resolves at once without the log, and rejects once the receiver has stopped', async () => {
    const app = startApp(tempDir(), 0, false);
    await app.ssc.start();
    await app.receiver.storeReliably([['a', 1]]);
    await app.clock.advance(1000);
    await app.ssc.stop();
    expect(lastOutput(app)).toEqual([['a', 1]]);
    await expect(app.receiver.storeReliably([['b', 1]])).rejects.toMatchObject({
      code: 'DSTREAM_ERR_RECEIVER',
    });
  });

  it('lets stop() wait for the work onStop() returns', async () => {
    const events: string[] = [];
    class Acknowledging extends Receiver<Entry> {
      onStart(): void {}
      async onStop(): Promise<void> {
        await new Promise((resolve) => setImmediate(resolve));
        events.push('acknowledged');
      }
    }
    const ssc = new StreamingContext({
      master: 'local[1]',
      appName: 'async-stop',
      batchDuration: Seconds(1),
      clock: new ManualClock(0),
    });
    ssc.receiverStream(new Acknowledging()).foreachRDD(() => {});
    await ssc.start();
    await ssc.stop();
    events.push('stopped');
    expect(events).toEqual(['acknowledged', 'stopped']);
  });
});
