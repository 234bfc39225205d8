import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DStreamError, ManualClock, Seconds, StreamingContext, Time, type DStream } from 'dstream';
import { createManualContext, runBatches, TestInputStream } from 'dstream/testing';
import { captureStderr, errorLines } from './support/capture-stderr.js';

// Spark's BasicOperationsSuite, the updateStateByKey tests, plus the checkpoint contract.

let checkpointDir: string;
beforeEach(() => {
  checkpointDir = mkdtempSync(join(tmpdir(), 'dstream-ubk-'));
});
afterEach(() => {
  rmSync(checkpointDir, { recursive: true, force: true });
});

const sorted = <T>(batches: T[][]): T[][] =>
  batches.map((b) => [...b].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1)));

const input = [['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []];

const sum = (values: number[], state: number | undefined) =>
  values.reduce((a, b) => a + b, state ?? 0);

describe('updateStateByKey', () => {
  it('keeps a running count per key (Spark: updateStateByKey)', async () => {
    const out = await runBatches({
      inputs: [input],
      numBatches: 6,
      checkpointDir,
      build: (_ssc, [s]) => s!.map((x) => [x, 1] as const).updateStateByKey(sum),
    });
    expect(sorted(out)).toEqual([
      [['a', 1]],
      [
        ['a', 2],
        ['b', 1],
      ],
      [
        ['a', 3],
        ['b', 2],
        ['c', 1],
      ],
      [
        ['a', 4],
        ['b', 3],
        ['c', 1],
      ],
      [
        ['a', 5],
        ['b', 3],
        ['c', 1],
      ],
      [
        ['a', 5],
        ['b', 3],
        ['c', 1],
      ],
    ]);
  });

  it('starts from an initial RDD, calling its keys without data (Spark: with initial value RDD)', async () => {
    const seen: string[][] = [];
    const out = await runBatches({
      inputs: [input],
      numBatches: 6,
      checkpointDir,
      build: (ssc, [s]) => {
        const initialRDD = ssc.sparkContext.parallelize([
          ['a', 1],
          ['c', 2],
        ] as const);
        const called: string[] = [];
        seen.push(called);
        return s!
          .map((x) => [x, 1] as const)
          .updateStateByKey(
            (values: number[], state: number | undefined, key: string) => {
              called.push(key);
              return sum(values, state);
            },
            { numPartitions: 2, initialRDD },
          );
      },
    });
    expect(sorted(out)).toEqual([
      [
        ['a', 2],
        ['c', 2],
      ],
      [
        ['a', 3],
        ['b', 1],
        ['c', 2],
      ],
      [
        ['a', 4],
        ['b', 2],
        ['c', 3],
      ],
      [
        ['a', 5],
        ['b', 3],
        ['c', 3],
      ],
      [
        ['a', 6],
        ['b', 3],
        ['c', 3],
      ],
      [
        ['a', 6],
        ['b', 3],
        ['c', 3],
      ],
    ]);
    // c has no data in batch 1 and is still called, with its initial state.
    expect(seen[0]!.slice(0, 2).sort()).toEqual(['a', 'c']);
  });

  it('passes the key and the batch time (Spark: testing time stamps as input)', async () => {
    const out = await runBatches({
      inputs: [input],
      numBatches: 6,
      checkpointDir,
      build: (ssc, [s]) =>
        s!
          .map((x) => [x, 1] as const)
          .updateStateByKey(
            (values: number[], state: number | undefined, _key: string, time: Time) =>
              values.length > 0 ? time.milliseconds + (state ?? 0) : (state ?? 0),
            {
              numPartitions: 2,
              initialRDD: ssc.sparkContext.parallelize([
                ['a', 0],
                ['c', 0],
              ] as const),
            },
          ),
    });
    expect(sorted(out)).toEqual([
      [
        ['a', 1000],
        ['c', 0],
      ],
      [
        ['a', 3000],
        ['b', 2000],
        ['c', 0],
      ],
      [
        ['a', 6000],
        ['b', 5000],
        ['c', 3000],
      ],
      [
        ['a', 10000],
        ['b', 9000],
        ['c', 3000],
      ],
      [
        ['a', 15000],
        ['b', 9000],
        ['c', 3000],
      ],
      [
        ['a', 15000],
        ['b', 9000],
        ['c', 3000],
      ],
    ]);
  });

  it('removes keys whose function returns undefined, also in batches with no RDD (Spark: object lifecycle)', async () => {
    interface Counter {
      readonly counter: number;
      readonly expireCounter: number;
    }
    const out = await runBatches({
      inputs: [[['a', 'b'], null, ['a', 'c', 'a'], ['c'], null, null]],
      numBatches: 6,
      checkpointDir,
      build: (_ssc, [s]) =>
        s!
          .map((x) => [x, 1] as const)
          .updateStateByKey((values: number[], state: Counter | undefined) => {
            const old = state ?? { counter: 0, expireCounter: 0 };
            const n = values.reduce((a, b) => a + b, 0);
            const next =
              n === 0
                ? { counter: old.counter, expireCounter: old.expireCounter + 1 }
                : { counter: old.counter + n, expireCounter: 0 };
            return next.expireCounter === 2 ? undefined : next;
          })
          .mapValues((c) => c.counter),
    });
    expect(sorted(out)).toEqual([
      [
        ['a', 1],
        ['b', 1],
      ],
      [
        ['a', 1],
        ['b', 1],
      ],
      [
        ['a', 3],
        ['c', 1],
      ],
      [
        ['a', 3],
        ['c', 2],
      ],
      [['c', 2]],
      [],
    ]);
  });

  it('has no state RDD while there is neither state nor data', async () => {
    const out = await runBatches({
      inputs: [[null, ['a'], null]],
      numBatches: 3,
      checkpointDir,
      build: (_ssc, [s]) => s!.map((x) => [x, 1] as const).updateStateByKey(sum),
    });
    expect(out).toEqual([[['a', 1]], [['a', 1]]]);
  });

  it('compares keys by value', async () => {
    const out = await runBatches({
      inputs: [
        [
          [{ user: 1, page: 'x' }],
          [
            { page: 'x', user: 1 },
            { user: 2, page: 'x' },
          ],
        ],
      ],
      numBatches: 2,
      checkpointDir,
      build: (_ssc, [s]) =>
        s!.map((k) => [[k.user, k.page] as const, 1] as const).updateStateByKey(sum),
    });
    expect(sorted(out)[1]).toEqual([
      [[1, 'x'], 2],
      [[2, 'x'], 1],
    ]);
  });

  it('calls every key every batch (the cost of updateStateByKey, unlike mapWithState)', async () => {
    const calls: number[] = [];
    let n = 0;
    await runBatches({
      inputs: [[['a', 'b', 'c', 'd'], ['a'], []]],
      numBatches: 3,
      checkpointDir,
      build: (ssc, [s]) => {
        ssc.addStreamingListener({ onBatchCompleted: () => void calls.push(n) });
        return s!
          .map((x) => [x, 1] as const)
          .updateStateByKey((v: number[], st?: number) => {
            n++;
            return sum(v, st);
          });
      },
    });
    expect(calls).toEqual([4, 8, 12]);
  });

  it('fails the batch when the function throws, and keeps the state of the batch before', async () => {
    const logged = captureStderr();
    let fail = false;
    const seen: unknown[][] = [];
    const { ssc, clock } = createManualContext({ checkpointDir });
    const s = new TestInputStream(ssc, [['a'], ['a'], ['a'], ['a']], 2);
    s.map((x) => [x, 1] as const)
      .updateStateByKey((values: number[], state: number | undefined) => {
        if (fail) throw new Error('boom');
        return sum(values, state);
      })
      .foreachRDD(async (rdd) => void seen.push(await rdd.collect()));
    await ssc.start();
    await clock.advance(1000);
    fail = true;
    await clock.advance(1000);
    fail = false;
    await clock.advance(1000);
    await ssc.stop();
    expect(ssc.error?.code).toBe('DSTREAM_ERR_BATCH_FAILED');
    expect(ssc.error?.message).toContain('boom');
    expect(ssc.error?.batchTime?.milliseconds).toBe(2000);
    // Batch 2 was undone, then redone when batch 3 needed it, as Spark recomputes lineage.
    expect(seen).toEqual([[['a', 1]], [['a', 3]]]);
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 2000 ms.0',
    ]);
  });

  it('requires a checkpoint directory, as Spark (from start)', async () => {
    const logged = captureStderr();
    const run = runBatches({
      inputs: [input],
      numBatches: 1,
      build: (_ssc, [s]) => s!.map((x) => [x, 1] as const).updateStateByKey(sum),
    });
    await expect(run).rejects.toThrow(
      'requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().',
    );
    await expect(run).rejects.toMatchObject({ code: 'DSTREAM_ERR_CHECKPOINT_DIR_NOT_SET' });
    expect(errorLines(logged)).toEqual([
      'ERROR StreamingContext: Error starting the context, marking it as stopped',
    ]);
  });

  it('snapshots every 10 s by default (smallest multiple of the slide >= 10 s)', async () => {
    for (const [batch, expected] of [
      [1000, 10000],
      [3000, 12000],
      [15000, 15000],
    ] as const) {
      const ctx = createManualContext({
        checkpointDir,
        batchDuration: Seconds(batch / 1000),
      }).ssc;
      const state = new TestInputStream<string>(ctx, [], 2)
        .map((x) => [x, 1] as const)
        .updateStateByKey(sum);
      state.foreachRDD(() => undefined);
      await ctx.start();
      expect(state.checkpointDuration?.milliseconds).toBe(expected);
      await ctx.stop();
    }
  });
});

/** The state stream seen through the checkpoint contract (what the checkpoint writer uses). */
interface Stateful {
  stateKey: string;
  snapshotState(
    time: Time,
  ): Promise<{ entries: readonly (readonly [unknown, unknown])[] } | undefined>;
  restoreState(time: Time, snapshot: { entries: readonly (readonly [unknown, unknown])[] }): void;
}

describe('updateStateByKey checkpoint contract', () => {
  const batches = [['a', 'b'], ['a'], ['c', 'a'], ['b'], [], ['a', 'd']];
  const build = (s: DStream<string>) =>
    s
      .map((x) => [x, 1] as const)
      .updateStateByKey((values: number[], state: number | undefined) =>
        values.length === 0 && state === 1 ? undefined : sum(values, state),
      );

  it('snapshot then restore into a fresh graph continues with identical results', async () => {
    const expected = sorted(
      await runBatches({
        inputs: [batches],
        numBatches: 6,
        checkpointDir,
        build: (_s, [s]) => build(s!),
      }),
    );

    // First run: batches 1-3, then a snapshot as of 3000 ms.
    const first = createManualContext({ checkpointDir });
    const stream1 = build(new TestInputStream(first.ssc, batches.slice(0, 3), 2)).name('counts');
    stream1.foreachRDD(() => undefined);
    await first.ssc.start();
    await first.clock.advance(3000);
    const snapshot = await (stream1 as unknown as Stateful).snapshotState(new Time(3000));
    await first.ssc.stop();
    expect((stream1 as unknown as Stateful).stateKey).toBe('counts');
    expect(sorted([snapshot!.entries.map((e) => [...e])])[0]).toEqual(expected[2]);

    // Second run: a new graph on a clock at 3000 ms, restored, runs batches 4-6.
    const clock = new ManualClock(3000);
    const ssc = new StreamingContext({
      master: 'local[2]',
      appName: 'restore',
      batchDuration: Seconds(1),
      clock,
    });
    ssc.checkpoint(checkpointDir);
    const stream2 = build(new TestInputStream(ssc, batches.slice(3), 3));
    (stream2 as unknown as Stateful).restoreState(new Time(3000), snapshot!);
    const out: unknown[][] = [];
    stream2.foreachRDD(async (rdd) => void out.push(await rdd.collect()));
    await ssc.start();
    await clock.advance(3000);
    await ssc.stop();
    expect(ssc.error).toBeUndefined();
    expect(sorted(out)).toEqual(expected.slice(3));
  });

  it('reads the RDD of an earlier batch as of that batch while it is remembered', async () => {
    const { ssc, clock } = createManualContext({ checkpointDir });
    ssc.remember(Seconds(10));
    const state = build(new TestInputStream(ssc, batches, 2));
    state.foreachRDD(() => undefined);
    await ssc.start();
    await clock.advance(2000);
    const at2 = state.generated.get(2000)!;
    try {
      // Batch 3 changes a and adds c, batch 4 adds b and removes c.
      await clock.advance(2000);
      expect(await at2.collect()).toEqual([['a', 2]]);
      const snap = await (state as unknown as Stateful).snapshotState(new Time(3000));
      expect(sorted([snap!.entries.map((e) => [...e])])[0]).toEqual([
        ['a', 3],
        ['c', 1],
      ]);
      expect(sorted([await state.generated.get(4000)!.collect()])[0]).toEqual([
        ['a', 3],
        ['b', 1],
      ]);
    } finally {
      await ssc.stop();
    }
  });

  it('fails loudly when an RDD of a forgotten batch is read', async () => {
    const { ssc, clock } = createManualContext({ checkpointDir });
    const state = build(new TestInputStream(ssc, batches, 2));
    state.foreachRDD(async (rdd) => void (await rdd.count()));
    await ssc.start();
    await clock.advance(2000);
    const at2 = state.generated.get(2000)!;
    try {
      await clock.advance(1000); // batch 3 changes a and c; RDD 2000 is forgotten
      await expect(at2.collect()).rejects.toBeInstanceOf(DStreamError);
      await expect(at2.collect()).rejects.toMatchObject({
        code: 'DSTREAM_ERR_STATE_UNAVAILABLE',
      });
    } finally {
      await ssc.stop();
    }
  });
});
