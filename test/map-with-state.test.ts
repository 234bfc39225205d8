import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ManualClock,
  MapWithStateDStream,
  Milliseconds,
  Minutes,
  Seconds,
  StateSpec,
  StreamingContext,
  Time,
  type DStream,
  type Duration,
  type State,
} from 'dstream';
import { createManualContext, runBatches, TestInputStream } from 'dstream/testing';
import { captureStderr, errorLines } from './support/capture-stderr.js';

// Spark's MapWithStateSuite and MapWithStateRDDSuite, plus the checkpoint contract.

let checkpointDir: string;
beforeEach(() => {
  checkpointDir = mkdtempSync(join(tmpdir(), 'dstream-mws-'));
});
afterEach(() => {
  rmSync(checkpointDir, { recursive: true, force: true });
});

const sortedBatch = <T>(b: T[]): T[] =>
  [...b].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
const sorted = <T>(batches: T[][]): T[][] => batches.map(sortedBatch);

const input = [[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []];

const stateData = [
  [],
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
];

/** Runs `spec` over `inputs` (each word paired with 1): the mapped output and the snapshots. */
async function run<S, R>(
  inputs: (string[] | null)[],
  spec: StateSpec<string, number, S, R>,
  numBatches = inputs.length,
  configure?: (stream: MapWithStateDStream<string, number, S, R>) => void,
): Promise<{ outputs: R[][]; snapshots: (readonly [string, S])[][] }> {
  const [outputs, snapshots] = await runBatches({
    inputs: [inputs],
    numBatches,
    checkpointDir,
    build: (_ssc, [s]) => {
      const stream = s!.map((x: string) => [x, 1] as const).mapWithState(spec);
      configure?.(stream);
      return [stream, stream.stateSnapshots()];
    },
  });
  return {
    outputs: sorted(outputs as R[][]),
    snapshots: sorted(snapshots as (readonly [string, S])[][]),
  };
}

const runningCount = (key: string, value: number | undefined, state: State<number>) => {
  const sum = (value ?? 0) + (state.getOption() ?? 0);
  state.update(sum);
  return sum;
};

describe('mapWithState', () => {
  it('basic operations with simple API', async () => {
    const { outputs, snapshots } = await run(input, StateSpec.function(runningCount));
    expect(outputs).toEqual([[], [1], [1, 2], [1, 2, 3], [3, 4], [5], []]);
    expect(snapshots).toEqual(stateData);
  });

  it('basic operations with advanced API (the batch time)', async () => {
    const times: number[] = [];
    const { outputs, snapshots } = await run(
      input,
      StateSpec.function(
        (key: string, value: number | undefined, state: State<number>, time: Time) => {
          times.push(time.milliseconds);
          state.update((value ?? 0) + (state.getOption() ?? 0));
          return key + key;
        },
      ),
    );
    expect(outputs).toEqual([
      [],
      ['aa'],
      ['aa', 'bb'],
      ['aa', 'bb', 'cc'],
      ['aa', 'bb'],
      ['aa'],
      [],
    ]);
    expect(snapshots).toEqual(stateData);
    expect(times).toEqual([2000, 3000, 3000, 4000, 4000, 4000, 5000, 5000, 6000]);
  });

  it('states as mapped data', async () => {
    const { outputs, snapshots } = await run(
      input,
      StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
        const sum = (value ?? 0) + (state.getOption() ?? 0);
        state.update(sum);
        return [key, sum] as const;
      }),
    );
    expect(outputs).toEqual([
      [],
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
      ],
      [['a', 5]],
      [],
    ]);
    expect(snapshots).toEqual(stateData);
  });

  it('initial states, with nothing returned from the mapping function', async () => {
    const [outputs, snapshots] = await runBatches({
      inputs: [input],
      numBatches: 7,
      checkpointDir,
      build: (ssc, [s]) => {
        const initial = ssc.sparkContext.parallelize([
          ['a', 5],
          ['b', 10],
          ['c', -20],
          ['d', 0],
        ] as const);
        const spec = StateSpec.function(
          (_key: string, value: number | undefined, state: State<number>) => {
            state.update((value ?? 0) + (state.getOption() ?? 0));
            return undefined;
          },
        ).initialState(initial);
        const stream = s!.map((x: string) => [x, 1] as const).mapWithState(spec);
        return [stream, stream.stateSnapshots()];
      },
    });
    expect(outputs).toEqual([[], [], [], [], [], [], []]);
    expect(sorted(snapshots!)).toEqual([
      [
        ['a', 5],
        ['b', 10],
        ['c', -20],
        ['d', 0],
      ],
      [
        ['a', 6],
        ['b', 10],
        ['c', -20],
        ['d', 0],
      ],
      [
        ['a', 7],
        ['b', 11],
        ['c', -20],
        ['d', 0],
      ],
      [
        ['a', 8],
        ['b', 12],
        ['c', -19],
        ['d', 0],
      ],
      [
        ['a', 9],
        ['b', 13],
        ['c', -19],
        ['d', 0],
      ],
      [
        ['a', 10],
        ['b', 13],
        ['c', -19],
        ['d', 0],
      ],
      [
        ['a', 10],
        ['b', 13],
        ['c', -19],
        ['d', 0],
      ],
    ]);
  });

  it('state removing', async () => {
    const { outputs, snapshots } = await run(
      [[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []],
      StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
        if (state.exists()) {
          state.remove();
          return key;
        }
        state.update(value!);
        return undefined;
      }).numPartitions(1),
    );
    expect(outputs).toEqual([[], [], ['a'], ['b'], ['a', 'c'], ['b'], ['a'], []]);
    expect(snapshots).toEqual([
      [],
      [['a', 1]],
      [['b', 1]],
      [
        ['a', 1],
        ['c', 1],
      ],
      [['b', 1]],
      [['a', 1]],
      [],
      [],
    ]);
  });

  it('calls the function once per record, in batch order, each call seeing the last one', async () => {
    const seen: (readonly [string, number | undefined, number | undefined])[] = [];
    const { outputs } = await run(
      [['a', 'b', 'a', 'a'], ['b']],
      StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
        seen.push([key, value, state.getOption()]);
        state.update((state.getOption() ?? 0) + value!);
        return state.get();
      }).numPartitions(1),
    );
    expect(outputs).toEqual([[1, 1, 2, 3], [2]]);
    expect(seen).toEqual([
      ['a', 1, undefined],
      ['b', 1, undefined],
      ['a', 1, 1],
      ['a', 1, 2],
      ['b', 1, 1],
    ]);
  });

  it('state timing out', async () => {
    const inputs = [
      ['a', 'b', 'c'],
      ['a', 'b'],
      ['a'],
      [], // c will time out
      [], // b will time out
      ['a'], // a will not time out
      ...Array.from({ length: 20 }, () => ['a']),
    ];
    const spec = StateSpec.function(
      (key: string, value: number | undefined, state: State<number>) => {
        if (value !== undefined) state.update(1);
        return state.isTimingOut() ? key : undefined;
      },
    ).timeout(Seconds(3));
    const { outputs, snapshots } = await run(inputs, spec, 20);
    expect(outputs.flat().sort()).toEqual(['b', 'c']);
    // Timeouts are looked for only on checkpoint batches: every 10 batches by default.
    expect(outputs[9]).toEqual(['b', 'c']);
    expect(snapshots.some((s) => JSON.stringify(s) === '[["a",1],["b",1],["c",1]]')).toBe(true);
    expect(snapshots[8]).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    expect(snapshots[9]).toEqual([['a', 1]]);
    expect(snapshots.at(-1)).toEqual([['a', 1]]);
  });

  it('times out on the batches of an explicit checkpoint interval, strictly after the timeout', async () => {
    const timingOut: (readonly [number, string, number])[] = [];
    const spec = StateSpec.function(
      (key: string, value: number | undefined, state: State<number>, time: Time) => {
        if (state.isTimingOut()) timingOut.push([time.milliseconds, key, state.get()]);
        else if (value !== undefined) state.update((state.getOption() ?? 0) + value);
        return undefined;
      },
    ).timeout(Seconds(3));
    // c last updated at 1000 ms, b at 2000 ms; checks at 2, 4, 6, 8 s. At 4 s the threshold is
    // 1000 ms: c is not strictly older. At 6 s (threshold 3000 ms) both go.
    const { snapshots } = await run(
      [['a', 'b', 'c'], ['a', 'b'], ['a'], ['a'], ['a'], ['a'], ['a'], ['a']],
      spec,
      8,
      (s) => s.checkpoint(Seconds(2)),
    );
    expect(timingOut).toEqual([
      [6000, 'b', 2],
      [6000, 'c', 1],
    ]);
    expect(snapshots[4]).toEqual([
      ['a', 5],
      ['b', 2],
      ['c', 1],
    ]);
    expect(snapshots[5]).toEqual([['a', 6]]);
  });

  it('a record refreshes the idle time of an existing state even without an update', async () => {
    const timingOut: number[] = [];
    const spec = StateSpec.function(
      (_key: string, value: number | undefined, state: State<number>, time: Time) => {
        if (state.isTimingOut()) timingOut.push(time.milliseconds);
        else if (!state.exists()) state.update(value!);
        return undefined;
      },
    ).timeout(Seconds(3));
    // x is set at 1 s and seen (not updated) at 5 s: not idle at 6 s, gone at 10 s (5000 < 7000).
    const inputs = [['x'], [], [], [], ['x'], [], [], [], [], []];
    await run(inputs, spec, 10, (s) => s.checkpoint(Seconds(2)));
    expect(timingOut).toEqual([10000]);
  });

  it('checkpoint durations', async () => {
    const cases: [Duration, Duration, Duration | undefined][] = [
      [Milliseconds(100), Seconds(1), undefined],
      [Seconds(1), Seconds(10), undefined],
      [Seconds(10), Seconds(100), undefined],
      [Milliseconds(100), Seconds(2), Seconds(2)],
      [Seconds(1), Seconds(2), Seconds(2)],
      [Seconds(10), Seconds(20), Seconds(20)],
    ];
    for (const [batch, expected, explicit] of cases) {
      const { ssc } = createManualContext({ batchDuration: batch, checkpointDir });
      const stream = new TestInputStream<number>(ssc, [], 2)
        .map((x) => [x, 1] as const)
        .mapWithState(
          StateSpec.function((_k: number, _v: number | undefined, _s: State<number>) => 0),
        );
      if (explicit) stream.checkpoint(explicit);
      stream.foreachRDD(() => undefined);
      await ssc.start();
      const internal = stream.dependencies[0]!;
      expect(stream.checkpointDuration).toBeUndefined();
      expect(internal.checkpointDuration?.milliseconds).toBe(expected.milliseconds);
      await ssc.stop();
    }
  });

  it('compares keys by value, composite keys included, through updates, removals and timeouts', async () => {
    const timedOut: unknown[] = [];
    const [outputs, snapshots] = await runBatches({
      inputs: [
        [
          [
            { user: 1, page: 'a' },
            { page: 'a', user: 1 },
            { user: 2, page: 'b' },
          ],
          [{ user: 2, page: 'b' }],
          [],
          [],
        ],
      ],
      numBatches: 4,
      checkpointDir,
      build: (_ssc, [s]) => {
        const stream = s!
          .map((v) => [[v.user, v.page] as const, 1] as const)
          .mapWithState(
            StateSpec.function(
              (key: readonly [number, string], v: number | undefined, state: State<number>) => {
                if (state.isTimingOut()) {
                  timedOut.push(key);
                  return undefined;
                }
                if (state.exists() && key[0] === 2) {
                  state.remove();
                  return 'removed';
                }
                state.update((state.getOption() ?? 0) + v!);
                return state.get();
              },
            ).timeout(Seconds(1)),
          )
          .checkpoint(Seconds(2));
        return [stream, stream.stateSnapshots()];
      },
    });
    expect(outputs).toEqual([[1, 2, 1], ['removed'], [], []]);
    expect(snapshots).toEqual([
      [
        [[1, 'a'], 2],
        [[2, 'b'], 1],
      ],
      [[[1, 'a'], 2]],
      [[[1, 'a'], 2]],
      [],
    ]);
    expect(timedOut).toEqual([[1, 'a']]);
  });

  it('checks an explicit checkpoint interval against the slide, naming the internal stream', async () => {
    const logged = captureStderr();
    const run = runBatches({
      inputs: [input],
      numBatches: 1,
      checkpointDir,
      build: (_ssc, [s]) =>
        s!
          .map((x) => [x, 1] as const)
          .mapWithState(StateSpec.function(runningCount))
          .checkpoint(Milliseconds(1500)),
    });
    await expect(run).rejects.toThrow(
      'requirement failed: The checkpoint interval for InternalMapWithStateDStream has been set to  1500 ms which not a multiple of its slide time (1000 ms). Please set it to a multiple of 1000 ms.',
    );
    expect(errorLines(logged)).toEqual([
      'ERROR StreamingContext: Error starting the context, marking it as stopped',
    ]);
  });

  it('requires a checkpoint directory, as Spark (from start)', async () => {
    const logged = captureStderr();
    const run = runBatches({
      inputs: [input],
      numBatches: 1,
      build: (_ssc, [s]) =>
        s!.map((x) => [x, 1] as const).mapWithState(StateSpec.function(runningCount)),
    });
    await expect(run).rejects.toThrow(
      'requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().',
    );
    await expect(run).rejects.toMatchObject({ code: 'DSTREAM_ERR_CHECKPOINT_DIR_NOT_SET' });
    expect(errorLines(logged)).toEqual([
      'ERROR StreamingContext: Error starting the context, marking it as stopped',
    ]);
  });
});

describe('State', () => {
  /** Runs one batch of one record through `f`; resolves with what it returned or rejects. */
  const once = (
    f: (state: State<number>) => unknown,
    options: { timeout?: boolean; initial?: number } = {},
  ) =>
    runBatches({
      inputs: [[['k'], ...(options.timeout ? Array.from({ length: 9 }, () => []) : [])]],
      numBatches: options.timeout ? 10 : 1,
      checkpointDir,
      build: (ssc, [s]) => {
        let spec = StateSpec.function(
          (_key: string, value: number | undefined, state: State<number>) => {
            if (options.timeout && value !== undefined) {
              state.update(1);
              return undefined;
            }
            return f(state);
          },
        );
        if (options.timeout) spec = spec.timeout(Seconds(1));
        if (options.initial !== undefined) {
          spec = spec.initialState(ssc.sparkContext.parallelize([['k', options.initial] as const]));
        }
        return s!.map((x) => [x, 1] as const).mapWithState(spec);
      },
    });

  it('reads what there is: exists, get, getOption, toString', async () => {
    const seen: unknown[] = [];
    await once((s) => {
      seen.push(s.exists(), s.getOption(), String(s));
      s.update(2);
      seen.push(s.exists(), s.get(), s.getOption(), String(s), s.isTimingOut());
      return undefined;
    });
    expect(seen).toEqual([false, undefined, '<state not set>', true, 2, 2, '2', false]);
    const initial: unknown[] = [];
    await once(
      (s) => {
        initial.push(s.exists(), s.get());
        return undefined;
      },
      { initial: 7 },
    );
    expect(initial).toEqual([true, 7]);
  });

  it('get() without a state: State is not set', async () => {
    const logged = captureStderr();
    const run = once((s) => s.get());
    await expect(run).rejects.toThrow('State is not set');
    await expect(run).rejects.toMatchObject({
      code: 'DSTREAM_ERR_STATE_NOT_SET',
      batchTime: new Time(1000),
    });
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 1000 ms.0',
    ]);
  });

  it('update() after remove()', async () => {
    const logged = captureStderr();
    const run = once(
      (s) => {
        s.remove();
        s.update(1);
      },
      { initial: 1 },
    );
    await expect(run).rejects.toThrow(
      'requirement failed: Cannot update the state after it has been removed',
    );
    await expect(run).rejects.toMatchObject({ code: 'DSTREAM_ERR_STATE_REMOVED' });
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 1000 ms.0',
    ]);
  });

  it('remove() twice', async () => {
    const logged = captureStderr();
    const run = once(
      (s) => {
        s.remove();
        s.remove();
      },
      { initial: 1 },
    );
    await expect(run).rejects.toThrow(
      'requirement failed: Cannot remove the state that has already been removed',
    );
    await expect(run).rejects.toMatchObject({ code: 'DSTREAM_ERR_STATE_REMOVED' });
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 1000 ms.0',
    ]);
  });

  it('update() while timing out', async () => {
    const logged = captureStderr();
    const run = once((s) => (s.isTimingOut() ? s.update(2) : undefined), { timeout: true });
    await expect(run).rejects.toThrow(
      'requirement failed: Cannot update the state that is timing out',
    );
    await expect(run).rejects.toMatchObject({
      code: 'DSTREAM_ERR_STATE_TIMING_OUT',
      batchTime: new Time(10000),
    });
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 10000 ms.0',
    ]);
  });

  it('remove() while timing out', async () => {
    const logged = captureStderr();
    const run = once((s) => (s.isTimingOut() ? s.remove() : undefined), { timeout: true });
    await expect(run).rejects.toThrow(
      'requirement failed: Cannot remove the state that is timing out',
    );
    await expect(run).rejects.toMatchObject({ code: 'DSTREAM_ERR_STATE_TIMING_OUT' });
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 10000 ms.0',
    ]);
  });

  it('a timing-out state is readable, and gone afterwards', async () => {
    const seen: unknown[] = [];
    await once(
      (s) => {
        seen.push(s.isTimingOut(), s.exists(), s.get());
        return undefined;
      },
      { timeout: true },
    );
    expect(seen).toEqual([true, true, 1]);
  });
});

describe('mapWithState cost', () => {
  it('per batch touches only the keys of the batch, not the state it holds', async () => {
    // 10 000 keys of state whose key objects count every read of their fields (re-hashing or
    // re-encoding the state would read them), and the maps' own count of entries looked at.
    let storedKeyReads = 0;
    const storedKey = (id: number) => ({
      get id() {
        storedKeyReads++;
        return id;
      },
    });
    let calls = 0;
    const callsPerBatch: number[] = [];
    const readsPerBatch: number[] = [];
    const touchesPerBatch: number[] = [];
    let maps: { touches: number }[] = [];
    const touches = () => maps.reduce((n, m) => n + m.touches, 0);
    // Checkpoint snapshots read every key (after the first batch with state, then every
    // checkpoint interval): a cost of checkpoints, not of batches, counted apart.
    let snapshotTouches = 0;
    await runBatches({
      inputs: [Array.from({ length: 12 }, (_, i) => [{ id: i }, { id: 20_000 + i }])],
      numBatches: 12,
      checkpointDir,
      build: (ssc, [s]) => {
        ssc.addStreamingListener({
          onBatchCompleted: () => {
            callsPerBatch.push(calls);
            readsPerBatch.push(storedKeyReads);
            touchesPerBatch.push(touches() - snapshotTouches);
          },
        });
        const initial = ssc.sparkContext.parallelize(
          Array.from({ length: 10_000 }, (_, i) => [storedKey(i), 0] as const),
        );
        const spec = StateSpec.function(
          (_key: { id: number }, value: number | undefined, state: State<number>) => {
            calls++;
            state.update((state.getOption() ?? 0) + value!);
            return undefined;
          },
        )
          .initialState(initial)
          .timeout(Seconds(300)); // batch 10 looks for timeouts: a scan, but no key times out
        const stream = s!.map((k) => [k, 1] as const).mapWithState(spec);
        const internal = stream.dependencies[0] as unknown as {
          stores: { touches: number }[];
          snapshotState(time: Time): Promise<unknown>;
        };
        maps = internal.stores;
        const snapshot = internal.snapshotState.bind(internal);
        internal.snapshotState = async (time) => {
          const before = touches();
          const taken = await snapshot(time);
          snapshotTouches += touches() - before;
          return taken;
        };
        return stream;
      },
    });
    const touched = touchesPerBatch.map((n, i) => n - (touchesPerBatch[i - 1] ?? 0));
    // Batch 1 loads 10 000 keys; then each batch looks up its 2 records (and the keys it adds),
    // except batch 10, whose state Spark checkpoints: it scans for timeouts (Spark's full scan).
    expect(touched[0]).toBeGreaterThanOrEqual(10_000);
    expect(touched.slice(1, 9)).toEqual(Array.from({ length: 8 }, () => 2));
    expect(touched[9]).toBe(2 + 10_000 + 10); // 10 000 initial keys and ids 20 000-20 009
    expect(touched.slice(10)).toEqual([2, 2]);
    expect(snapshotTouches).toBeGreaterThanOrEqual(2 * 10_000);
    expect(callsPerBatch).toEqual(Array.from({ length: 12 }, (_, i) => 2 * (i + 1)));
    // Batch 1 loads the initial state (hashing and encoding each key); later batches read none,
    // but the snapshots after batches 1 and 10 store each key (read once, by the codec).
    const reads = readsPerBatch.map((n, i) => n - (readsPerBatch[i - 1] ?? 0));
    expect(reads[0]).toBeGreaterThanOrEqual(10_000);
    expect(reads.slice(1)).toEqual([10_000, 0, 0, 0, 0, 0, 0, 0, 0, 10_000, 0]);
  });
});

/** The state stream seen through the checkpoint contract (what the checkpoint writer uses). */
interface Stateful {
  stateKey: string;
  checkpointDuration: Duration | undefined;
  snapshotState(time: Time): Promise<Snapshot | undefined>;
  restoreState(time: Time, snapshot: Snapshot): void;
}
interface Snapshot {
  entries: readonly (readonly [unknown, unknown])[];
  meta?: Readonly<Record<string, unknown>>;
}

describe('mapWithState checkpoint contract', () => {
  const batches = [['a', 'b', 'c'], ['a', 'b'], ['a'], ['a'], ['a'], ['a'], ['a'], ['a']];
  const build = (s: DStream<string>) => {
    const stream = s
      .map((x) => [x, 1] as const)
      .mapWithState(
        StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
          if (state.isTimingOut()) return `${key} timed out with ${state.get()}`;
          state.update((state.getOption() ?? 0) + value!);
          return `${key}=${state.get()}`;
        }).timeout(Seconds(3)),
      )
      .checkpoint(Seconds(2))
      .name('sessions');
    return { stream, state: stream.dependencies[0] as unknown as Stateful };
  };

  it('names the state, and keeps last-updated times in the snapshot', async () => {
    const { ssc, clock } = createManualContext({ checkpointDir });
    const { stream, state } = build(new TestInputStream(ssc, batches, 2));
    stream.foreachRDD(async (rdd) => void (await rdd.count()));
    try {
      await ssc.start();
      await clock.advance(2000);
      expect(state.stateKey).toBe('sessions');
      expect(state.checkpointDuration?.milliseconds).toBe(2000);
      const snap = await state.snapshotState(new Time(2000));
      const rows = snap!.entries.map((e, i) => [
        e[0],
        e[1],
        (snap!.meta!['lastUpdated'] as number[])[i],
      ]);
      expect(sortedBatch(rows)).toEqual([
        ['a', 2, 2000],
        ['b', 2, 2000],
        ['c', 1, 1000],
      ]);
      expect(await state.snapshotState(new Time(60_000))).toBeUndefined();
    } finally {
      await ssc.stop();
    }
  });

  it('snapshot then restore into a fresh graph continues with identical results, timeouts too', async () => {
    const [expectedOut, expectedState] = await runBatches({
      inputs: [batches],
      numBatches: 8,
      checkpointDir,
      build: (_ssc, [s]) => {
        const { stream } = build(s!);
        return [stream, stream.stateSnapshots()];
      },
    });
    expect(expectedOut![5]!.sort()).toEqual(['a=6', 'b timed out with 2', 'c timed out with 1']);

    // First run: batches 1-3, then a snapshot as of 3000 ms.
    const first = createManualContext({ checkpointDir });
    const one = build(new TestInputStream(first.ssc, batches.slice(0, 3), 2));
    one.stream.foreachRDD(async (rdd) => void (await rdd.count()));
    await first.ssc.start();
    await first.clock.advance(3000);
    const snapshot = await one.state.snapshotState(new Time(3000));
    await first.ssc.stop();

    // Second run: a fresh graph recovers as the checkpoint code will: the original zero time,
    // the state as of 3000 ms, and batches from 4000 ms on.
    const clock = new ManualClock(3000);
    const ssc = new StreamingContext({
      master: 'local[2]',
      appName: 'restore',
      batchDuration: Seconds(1),
      clock,
    });
    ssc.checkpoint(checkpointDir);
    const input = new TestInputStream(ssc, [null, null, null, ...batches.slice(3)], 3);
    const two = build(input);
    const out: unknown[][] = [];
    const states: unknown[][] = [];
    two.stream.foreachRDD(async (rdd) => void out.push(await rdd.collect()));
    two.stream.stateSnapshots().foreachRDD(async (rdd) => void states.push(await rdd.collect()));
    ssc.startHooks.push(async () => {
      ssc.graph.initialize(new Time(0));
      two.state.restoreState(new Time(3000), snapshot!);
      return new Time(4000);
    });
    await ssc.start();
    await clock.advance(5000);
    await ssc.stop();
    expect(ssc.error).toBeUndefined();
    expect(sorted(out)).toEqual(sorted(expectedOut!.slice(3)));
    expect(sorted(states)).toEqual(sorted(expectedState!.slice(3)));
  });

  it('restores last-updated times from long ago, and times those keys out', async () => {
    const clock = new ManualClock(3000);
    const ssc = new StreamingContext({
      master: 'local[2]',
      appName: 'restore',
      batchDuration: Seconds(1),
      clock,
    });
    ssc.checkpoint(checkpointDir);
    const timedOut: string[] = [];
    const stream = new TestInputStream(ssc, [null, null, null, ['new'], [], []], 2)
      .map((x) => [x, 1] as const)
      .mapWithState(
        StateSpec.function((key: string, v: number | undefined, state: State<number>) => {
          if (state.isTimingOut()) timedOut.push(key);
          else state.update(state.get() + v!);
          return undefined;
        }).timeout(Minutes(60)),
      )
      .checkpoint(Seconds(2));
    const state = stream.dependencies[0] as unknown as Stateful;
    const snapshots: unknown[][] = [];
    stream.stateSnapshots().foreachRDD(async (rdd) => void snapshots.push(await rdd.collect()));
    const thirtyDaysAgo = 3000 - 30 * 24 * 3_600_000;
    ssc.startHooks.push(async () => {
      ssc.graph.initialize(new Time(0));
      state.restoreState(new Time(3000), {
        entries: [
          ['old', 1],
          ['new', 2],
        ],
        meta: { lastUpdated: [thirtyDaysAgo, 3000] },
      });
      return new Time(4000);
    });
    await ssc.start();
    await clock.advance(3000);
    // Keep the SparkContext: taking the snapshot below runs a job on it.
    await ssc.stop({ stopSparkContext: false });
    expect(ssc.error).toBeUndefined();
    expect(timedOut).toEqual(['old']);
    expect(snapshots.map(sortedBatch)).toEqual([[['new', 3]], [['new', 3]], [['new', 3]]]);
    const snap = await state.snapshotState(new Time(6000));
    expect(snap?.meta?.['lastUpdated']).toEqual([4000]);
  });

  it('stateSnapshots of an earlier batch read the state as of that batch while remembered', async () => {
    const { ssc, clock } = createManualContext({ checkpointDir });
    ssc.remember(Seconds(10));
    const { stream } = build(new TestInputStream(ssc, batches, 2));
    const snapshots = stream.stateSnapshots();
    snapshots.foreachRDD(async (rdd) => void (await rdd.count()));
    try {
      await ssc.start();
      await clock.advance(1000);
      const at1 = snapshots.generated.get(1000)!;
      await clock.advance(6000); // a changes every batch, b and c time out at 6 s
      expect(sortedBatch(await at1.collect())).toEqual([
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ]);
      expect(await snapshots.generated.get(7000)!.collect()).toEqual([['a', 7]]);
    } finally {
      await ssc.stop();
    }
  });
});
