import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DStreamError, Milliseconds, Seconds, Time, type DStream, type RDD } from 'dstream';
import { createManualContext, runBatches } from 'dstream/testing';
import { captureStderr, errorLines } from './support/capture-stderr.js';

// Spark's WindowOperationsSuite (streaming/src/test/.../WindowOperationsSuite.scala), ported to
// runBatches, plus the combinations and checks dstream adds. Durations are in batches of 1 s;
// results are compared as sets per window (Spark's `useSet = true`).

type KV = readonly [string, number];

let checkpointDir: string;

beforeEach(async () => {
  checkpointDir = await mkdtemp(join(tmpdir(), 'dstream-window-'));
});

afterEach(async () => {
  await rm(checkpointDir, { recursive: true, force: true });
});

/** Each window's elements in a stable order (numbers by value), so windows compare as sets. */
function sorted<T>(windows: readonly (readonly T[])[]): T[][] {
  const compare = (a: unknown, b: unknown): number => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
  return windows.map((w) => [...w].sort(compare));
}

/** Spark's numBatches: one window per `slide` batches. */
const batchesFor = (expected: readonly unknown[], slide: number) => expected.length * slide;

// ------------------------------------------------------------------------- inputs of the suite

const largerSlideInput: KV[][] = [
  [['a', 1]],
  [['a', 2]], // 1st window from here
  [['a', 3]],
  [['a', 4]], // 2nd window from here
  [['a', 5]],
  [['a', 6]], // 3rd window from here
  [],
  [], // 4th window from here
];

const largerSlideReduceOutput: KV[][] = [[['a', 3]], [['a', 10]], [['a', 18]], [['a', 11]]];

const bigInput: KV[][] = [
  [['a', 1]],
  [
    ['a', 1],
    ['b', 1],
  ],
  [
    ['a', 1],
    ['b', 1],
    ['c', 1],
  ],
  [
    ['a', 1],
    ['b', 1],
  ],
  [['a', 1]],
  [],
  [['a', 1]],
  [
    ['a', 1],
    ['b', 1],
  ],
  [
    ['a', 1],
    ['b', 1],
    ['c', 1],
  ],
  [
    ['a', 1],
    ['b', 1],
  ],
  [['a', 1]],
  [],
];

const kvs = (...entries: [string, number][]): KV[] => entries;

const bigReduceOutput: KV[][] = [
  kvs(['a', 1]),
  kvs(['a', 2], ['b', 1]),
  kvs(['a', 2], ['b', 2], ['c', 1]),
  kvs(['a', 2], ['b', 2], ['c', 1]),
  kvs(['a', 2], ['b', 1]),
  kvs(['a', 1]),
  kvs(['a', 1]),
  kvs(['a', 2], ['b', 1]),
  kvs(['a', 2], ['b', 2], ['c', 1]),
  kvs(['a', 2], ['b', 2], ['c', 1]),
  kvs(['a', 2], ['b', 1]),
  kvs(['a', 1]),
];

// With an inverse function and no filter, keys stay once seen, at 0.
const bigReduceInvOutput: KV[][] = [
  kvs(['a', 1]),
  kvs(['a', 2], ['b', 1]),
  kvs(['a', 2], ['b', 2], ['c', 1]),
  kvs(['a', 2], ['b', 2], ['c', 1]),
  kvs(['a', 2], ['b', 1], ['c', 0]),
  kvs(['a', 1], ['b', 0], ['c', 0]),
  kvs(['a', 1], ['b', 0], ['c', 0]),
  kvs(['a', 2], ['b', 1], ['c', 0]),
  kvs(['a', 2], ['b', 2], ['c', 1]),
  kvs(['a', 2], ['b', 2], ['c', 1]),
  kvs(['a', 2], ['b', 1], ['c', 0]),
  kvs(['a', 1], ['b', 0], ['c', 0]),
];

const bigGroupByOutput: (readonly [string, number[]])[][] = [
  [['a', [1]]],
  [
    ['a', [1, 1]],
    ['b', [1]],
  ],
  [
    ['a', [1, 1]],
    ['b', [1, 1]],
    ['c', [1]],
  ],
  [
    ['a', [1, 1]],
    ['b', [1, 1]],
    ['c', [1]],
  ],
  [
    ['a', [1, 1]],
    ['b', [1]],
  ],
  [['a', [1]]],
  [['a', [1]]],
  [
    ['a', [1, 1]],
    ['b', [1]],
  ],
  [
    ['a', [1, 1]],
    ['b', [1, 1]],
    ['c', [1]],
  ],
  [
    ['a', [1, 1]],
    ['b', [1, 1]],
    ['c', [1]],
  ],
  [
    ['a', [1, 1]],
    ['b', [1]],
  ],
  [['a', [1]]],
];

const zeroToFive = [[0], [1], [2], [3], [4], [5]];
const zeroToEleven = Array.from({ length: 12 }, (_, i) => [i]);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

// ------------------------------------------------------------------------------------ window

describe('window', () => {
  const testWindow = (
    name: string,
    input: number[][],
    expected: number[][],
    window = 2,
    slide = 1,
  ) =>
    it(`window - ${name} (${window}/${slide})`, async () => {
      const out = await runBatches({
        inputs: [input],
        numBatches: batchesFor(expected, slide),
        build: (_ssc, [s]) => s!.window(Seconds(window), Seconds(slide)),
      });
      expect(sorted(out)).toEqual(expected);
    });

  testWindow('basic window', zeroToFive, [[0], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
  testWindow(
    'tumbling window',
    zeroToFive,
    [
      [0, 1],
      [2, 3],
      [4, 5],
    ],
    2,
    2,
  );
  testWindow(
    'larger window',
    zeroToFive,
    [
      [0, 1],
      [0, 1, 2, 3],
      [2, 3, 4, 5],
      [4, 5],
    ],
    4,
    2,
  );
  testWindow(
    'non-overlapping window',
    zeroToFive,
    [
      [1, 2],
      [4, 5],
    ],
    2,
    3,
  );
  testWindow(
    'three batches',
    zeroToEleven.slice(0, 10),
    [[0], [0, 1], [0, 1, 2], ...range(1, 7).map((i) => [i, i + 1, i + 2])],
    3,
    1,
  );
  testWindow(
    'five batches',
    zeroToEleven.slice(0, 10),
    [
      range(0, 0),
      range(0, 1),
      range(0, 2),
      range(0, 3),
      ...range(0, 5).map((i) => range(i, i + 4)),
    ],
    5,
    1,
  );
  testWindow(
    'ten batches every two',
    zeroToEleven,
    [range(0, 1), range(0, 3), range(0, 5), range(0, 7), range(0, 9), range(2, 11), range(4, 11)],
    10,
    2,
  );

  it('defaults the slide to the parent slide', async () => {
    const out = await runBatches({
      inputs: [zeroToFive],
      numBatches: 3,
      build: (_ssc, [s]) => s!.window(Seconds(3)),
    });
    expect(sorted(out)).toEqual([[0], [0, 1], [0, 1, 2]]);
  });

  it('skips batches that have no RDD', async () => {
    const out = await runBatches({
      inputs: [[[1], null, [3], null]],
      numBatches: 4,
      build: (_ssc, [s]) => s!.window(Seconds(2)),
    });
    expect(sorted(out)).toEqual([[1], [1], [3], [3]]);
  });

  it('window - persistence level: persists the parent, never the window', () => {
    const { ssc } = createManualContext();
    try {
      const input = ssc.queueStream<number>([]);
      const windowed = input.window(Seconds(2));
      expect(windowed.isPersisted).toBe(false);
      expect(input.isPersisted).toBe(true);
      windowed.persist();
      expect(windowed.isPersisted).toBe(false);
    } finally {
      void ssc.stop();
    }
  });

  it('keeps the parent RDDs for the whole window (each batch is computed once)', async () => {
    let mapped = 0;
    const out = await runBatches({
      inputs: [zeroToEleven.slice(0, 8)],
      numBatches: 8,
      build: (_ssc, [s]) =>
        s!
          .map((x) => {
            mapped++;
            return x;
          })
          .window(Seconds(4)),
    });
    expect(sorted(out).at(-1)).toEqual([4, 5, 6, 7]);
    expect(mapped).toBe(8);
  });
});

// --------------------------------------------------------------------- reduceByKeyAndWindow

const reductionCases: [string, KV[][], KV[][], KV[][], number?, number?][] = [
  ['basic reduction', [kvs(['a', 1], ['a', 3])], [kvs(['a', 4])], [kvs(['a', 4])]],
  [
    'key already in window and new value added into window',
    [kvs(['a', 1]), kvs(['a', 1])],
    [kvs(['a', 1]), kvs(['a', 2])],
    [kvs(['a', 1]), kvs(['a', 2])],
  ],
  [
    'new key added into window',
    [kvs(['a', 1]), kvs(['a', 1], ['b', 1])],
    [kvs(['a', 1]), kvs(['a', 2], ['b', 1])],
    [kvs(['a', 1]), kvs(['a', 2], ['b', 1])],
  ],
  [
    'key removed from window',
    [kvs(['a', 1]), kvs(['a', 1]), [], []],
    [kvs(['a', 1]), kvs(['a', 2]), kvs(['a', 1]), []],
    [kvs(['a', 1]), kvs(['a', 2]), kvs(['a', 1]), kvs(['a', 0])],
  ],
  ['larger slide time', largerSlideInput, largerSlideReduceOutput, largerSlideReduceOutput, 4, 2],
  ['big test', bigInput, bigReduceOutput, bigReduceInvOutput],
];

describe('reduceByKeyAndWindow', () => {
  for (const [name, input, expected, , window = 2, slide = 1] of reductionCases) {
    it(`reduceByKeyAndWindow - ${name}`, async () => {
      const out = await runBatches({
        inputs: [input],
        numBatches: batchesFor(expected, slide),
        build: (_ssc, [s]) =>
          s!.reduceByKeyAndWindow((x, y) => x + y, Seconds(window), Seconds(slide)),
      });
      expect(sorted(out)).toEqual(sorted(expected));
    });
  }

  for (const [name, input, , expected, window = 2, slide = 1] of reductionCases) {
    it(`reduceByKeyAndWindow with inverse function - ${name}`, async () => {
      const out = await runBatches({
        inputs: [input],
        numBatches: batchesFor(expected, slide),
        checkpointDir,
        build: (_ssc, [s]) =>
          s!
            .reduceByKeyAndWindow(
              (x, y) => x + y,
              (x, y) => x - y,
              Seconds(window),
              Seconds(slide),
            )
            .checkpoint(Seconds(100)),
      });
      expect(sorted(out)).toEqual(sorted(expected));
    });
  }

  it('reduceByKeyAndWindow with inverse and filter functions - big test', async () => {
    const out = await runBatches({
      inputs: [bigInput],
      numBatches: bigReduceOutput.length,
      checkpointDir,
      build: (_ssc, [s]) =>
        s!
          .reduceByKeyAndWindow(
            (x, y) => x + y,
            (x, y) => x - y,
            Seconds(2),
            Seconds(1),
            undefined,
            (kv) => kv[1] !== 0,
          )
          .persist()
          .checkpoint(Seconds(100)),
    });
    expect(sorted(out)).toEqual(sorted(bigReduceOutput));
  });

  it('reduces in time order: invF gets the previous value and the reduced leaving batches', async () => {
    // Strings make the order visible: `f` concatenates, `invF` strips a prefix.
    const letters: (readonly [string, string])[][] = [
      [['k', 'a']],
      [['k', 'b']],
      [['k', 'c']],
      [['k', 'd']],
    ];
    const out = await runBatches({
      inputs: [letters],
      numBatches: 4,
      partitions: 1,
      checkpointDir,
      build: (_ssc, [s]) =>
        s!.reduceByKeyAndWindow(
          (x, y) => x + y,
          (x, y) => {
            expect(x.startsWith(y)).toBe(true);
            return x.slice(y.length);
          },
          Seconds(2),
        ),
    });
    expect(out).toEqual([[['k', 'a']], [['k', 'ab']], [['k', 'bc']], [['k', 'cd']]]);
  });

  it('fails the batch when a key is in neither the previous window nor the new batches', async () => {
    const logged = captureStderr();
    // The filter drops a key whose batch is still in the window: when that batch leaves, Spark
    // cannot tell what to subtract from.
    const run = runBatches({
      inputs: [[kvs(['a', 1]), [], []]],
      numBatches: 3,
      checkpointDir,
      build: (_ssc, [s]) =>
        s!.reduceByKeyAndWindow(
          (x, y) => x + y,
          (x, y) => x - y,
          Seconds(2),
          Seconds(1),
          undefined,
          (kv) => kv[1] > 1,
        ),
    });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DStreamError);
    expect((error as DStreamError).code).toBe('DSTREAM_ERR_WINDOW_KEY_MISSING');
    expect((error as DStreamError).message).toBe(
      'Neither previous window has value for key, nor new values found. Are you sure your key class hashes consistently?',
    );
    expect((error as DStreamError).batchTime).toEqual(new Time(3000));
    expect(errorLines(logged)).toEqual([
      'ERROR JobScheduler: Error running job streaming job 3000 ms.0',
    ]);
  });

  it('places keys with numPartitions', async () => {
    const parts = await runBatches({
      inputs: [bigInput],
      numBatches: 3,
      checkpointDir,
      build: (_ssc, [s]) => [
        s!.reduceByKeyAndWindow((x, y) => x + y, Seconds(2), Seconds(1), 3).glom(),
        s!
          .reduceByKeyAndWindow(
            (x, y) => x + y,
            (x, y) => x - y,
            Seconds(2),
            Seconds(1),
            5,
          )
          .glom(),
      ],
    });
    expect(parts[0]!.map((w) => w.length)).toEqual([3, 3, 3]);
    expect(parts[1]!.map((w) => w.length)).toEqual([5, 5, 5]);
  });
});

// ------------------------------------------------------------------ the other window operations

describe('groupByKeyAndWindow, countByWindow, countByValueAndWindow, reduceByWindow', () => {
  it('groupByKeyAndWindow', async () => {
    const out = await runBatches({
      inputs: [bigInput],
      numBatches: bigGroupByOutput.length,
      build: (_ssc, [s]) =>
        s!
          .groupByKeyAndWindow(Seconds(2), Seconds(1))
          .map(([k, vs]) => [k, [...vs].sort()] as const),
    });
    expect(sorted(out)).toEqual(sorted(bigGroupByOutput));
  });

  it('countByWindow', async () => {
    const expected = [[1], [2], [3], [3], [1], [0]];
    const out = await runBatches({
      inputs: [[[1], [1], [1, 2], [0], [], []]],
      numBatches: expected.length,
      checkpointDir,
      build: (_ssc, [s]) => s!.countByWindow(Seconds(2), Seconds(1)),
    });
    expect(out).toEqual(expected);
  });

  it('countByWindow gives nothing until the first element arrives', async () => {
    const out = await runBatches({
      inputs: [[[], [7], [], [], []]],
      numBatches: 5,
      checkpointDir,
      build: (_ssc, [s]) => s!.countByWindow(Seconds(2), Seconds(1)),
    });
    expect(out).toEqual([[], [1], [1], [0], [0]]);
  });

  it('countByValueAndWindow', async () => {
    const expected = [kvs(['a', 1]), kvs(['a', 1], ['b', 2]), kvs(['a', 1], ['b', 3])];
    const out = await runBatches({
      inputs: [[['a'], ['b', 'b'], ['a', 'b']]],
      numBatches: expected.length,
      checkpointDir,
      build: (_ssc, [s]) => s!.countByValueAndWindow(Seconds(2), Seconds(1)),
    });
    expect(sorted(out)).toEqual(sorted(expected));
  });

  it('countByValueAndWindow drops values whose count falls to 0', async () => {
    const out = await runBatches({
      inputs: [[['a'], ['b'], [], []]],
      numBatches: 4,
      checkpointDir,
      build: (_ssc, [s]) => s!.countByValueAndWindow(Seconds(2), Seconds(1), 1),
    });
    expect(sorted(out)).toEqual([[['a', 1]], sorted([kvs(['a', 1], ['b', 1])])[0], [['b', 1]], []]);
  });

  it('reduceByWindow without and with an inverse function', async () => {
    const [plain, incremental] = await runBatches({
      inputs: [[[1, 2], [3], [], [4], [], [], []]],
      numBatches: 7,
      checkpointDir,
      build: (_ssc, [s]) => [
        s!.reduceByWindow((a, b) => a + b, Seconds(2), Seconds(1)),
        s!.reduceByWindow(
          (a, b) => a + b,
          (a, b) => a - b,
          Seconds(2),
          Seconds(1),
        ),
      ],
    });
    // An empty window has no element; the incremental form keeps its single key, at 0.
    expect(plain).toEqual([[3], [6], [3], [4], [4], [], []]);
    expect(incremental).toEqual([[3], [6], [3], [4], [4], [0], [0]]);
  });
});

// ------------------------------------------------------ every operation against a reference

/** A deterministic input: 24 batches of 0 to 4 pairs over 5 keys. */
function pseudoRandomInput(seed: number): KV[][] {
  let x = seed;
  const next = (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
    return x % n;
  };
  return Array.from({ length: 24 }, () =>
    Array.from({ length: next(5) }, (): KV => ['abcde'[next(5)]!, 1 + next(3)]),
  );
}

/** The batches (1-based times) of each window, as Spark defines them: (t - window, t]. */
function windowBatches(window: number, slide: number, numBatches: number): number[][] {
  const out: number[][] = [];
  for (let t = slide; t <= numBatches; t += slide) out.push(range(Math.max(1, t - window + 1), t));
  return out;
}

function sums(pairs: readonly KV[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const [k, v] of pairs) m.set(k, (m.get(k) ?? 0) + v);
  return m;
}

describe('every window operation against a reference, for each window/slide', () => {
  const combinations: [number, number][] = [
    [2, 1],
    [2, 2],
    [4, 2],
    [3, 1],
    [5, 1],
    [10, 2],
    [6, 3],
    [2, 3],
  ];
  for (const [window, slide] of combinations) {
    it(`${window}/${slide}`, async () => {
      const input = pseudoRandomInput(window * 31 + slide);
      const numBatches = 24;
      const W = Seconds(window);
      const S = Seconds(slide);
      const inv = (a: number, b: number) => a - b;
      const add = (a: number, b: number) => a + b;
      const results = await runBatches({
        inputs: [input],
        numBatches,
        partitions: 3,
        checkpointDir,
        build: (_ssc, [s]) => {
          const values = s!.map((kv) => kv[1]);
          return [
            s!.window(W, S),
            s!.reduceByKeyAndWindow(add, W, S),
            s!.reduceByKeyAndWindow(add, inv, W, S),
            s!.reduceByKeyAndWindow(add, inv, W, S, 2, (kv) => kv[1] !== 0),
            s!.groupByKeyAndWindow(W, S).map(([k, vs]) => [k, [...vs].sort()] as const),
            values.countByWindow(W, S),
            s!.map((kv) => kv[0]).countByValueAndWindow(W, S),
            values.reduceByWindow(add, W, S),
            values.reduceByWindow(add, inv, W, S),
          ] as DStream<unknown>[];
        },
      });
      const [
        windowed,
        naive,
        incremental,
        filtered,
        grouped,
        counts,
        byValue,
        reduced,
        reducedInv,
      ] = results.map((r) => sorted(r));

      const seen = new Set<string>();
      let anySeen = false;
      const expected = windowBatches(window, slide, numBatches).map((batches) => {
        const pairs = batches.flatMap((b) => input[b - 1] ?? []);
        const total = sums(pairs);
        for (const k of total.keys()) seen.add(k);
        anySeen ||= pairs.length > 0;
        const groups = new Map<string, number[]>();
        for (const [k, v] of pairs) groups.set(k, [...(groups.get(k) ?? []), v]);
        const counted = new Map<string, number>();
        for (const [k] of pairs) counted.set(k, (counted.get(k) ?? 0) + 1);
        const sum = pairs.reduce((a, kv) => a + kv[1], 0);
        return {
          windowed: pairs,
          naive: [...total],
          incremental: [...seen].map((k) => [k, total.get(k) ?? 0]),
          grouped: [...groups].map(([k, vs]) => [k, vs.sort()]),
          counts: anySeen ? [pairs.length] : [],
          byValue: [...counted],
          reduced: pairs.length > 0 ? [sum] : [],
          reducedInv: anySeen ? [sum] : [],
        };
      });
      const pick = (f: (e: (typeof expected)[number]) => unknown[]) => sorted(expected.map(f));
      expect(windowed).toEqual(pick((e) => e.windowed));
      expect(naive).toEqual(pick((e) => e.naive));
      expect(incremental).toEqual(pick((e) => e.incremental));
      expect(filtered).toEqual(pick((e) => e.naive));
      expect(grouped).toEqual(pick((e) => e.grouped));
      expect(counts).toEqual(pick((e) => e.counts));
      expect(byValue).toEqual(pick((e) => e.byValue));
      expect(reduced).toEqual(pick((e) => e.reduced));
      expect(reducedInv).toEqual(pick((e) => e.reducedInv));
    });
  }
});

// ---------------------------------------------------------------------------- declaration errors

describe('declaration errors', () => {
  const withStream = (f: (s: DStream<KV>) => void) => {
    const { ssc } = createManualContext({ batchDuration: Seconds(2) });
    try {
      f(ssc.queueStream<KV>([]));
    } finally {
      void ssc.stop();
    }
  };
  const add = (a: number, b: number) => a + b;
  const sub = (a: number, b: number) => a - b;

  it.each([
    [
      'window',
      (s: DStream<KV>) => s.window(Seconds(3)),
      'DSTREAM_ERR_WINDOW_NOT_MULTIPLE',
      'The window duration of windowed DStream (3000 ms) must be a multiple of the slide duration of parent DStream (2000 ms)',
    ],
    [
      'window slide',
      (s: DStream<KV>) => s.window(Seconds(4), Seconds(3)),
      'DSTREAM_ERR_SLIDE_NOT_MULTIPLE',
      'The slide duration of windowed DStream (3000 ms) must be a multiple of the slide duration of parent DStream (2000 ms)',
    ],
    [
      'groupByKeyAndWindow',
      (s: DStream<KV>) => s.groupByKeyAndWindow(Seconds(5)),
      'DSTREAM_ERR_WINDOW_NOT_MULTIPLE',
      'The window duration of windowed DStream (5000 ms) must be a multiple of the slide duration of parent DStream (2000 ms)',
    ],
    [
      'reduceByKeyAndWindow',
      (s: DStream<KV>) => s.reduceByKeyAndWindow(add, Seconds(4), Seconds(1)),
      'DSTREAM_ERR_SLIDE_NOT_MULTIPLE',
      'The slide duration of windowed DStream (1000 ms) must be a multiple of the slide duration of parent DStream (2000 ms)',
    ],
    [
      'reduceByWindow',
      (s: DStream<KV>) => s.map((kv) => kv[1]).reduceByWindow(add, Seconds(3), Seconds(2)),
      'DSTREAM_ERR_WINDOW_NOT_MULTIPLE',
      'The window duration of windowed DStream (3000 ms) must be a multiple of the slide duration of parent DStream (2000 ms)',
    ],
    [
      'incremental reduceByKeyAndWindow',
      (s: DStream<KV>) => s.reduceByKeyAndWindow(add, sub, Seconds(3)),
      'DSTREAM_ERR_WINDOW_NOT_MULTIPLE',
      'requirement failed: The window duration of ReducedWindowedDStream (3000 ms) must be multiple of the slide duration of parent DStream (2000 ms)',
    ],
    [
      'incremental reduceByKeyAndWindow slide',
      (s: DStream<KV>) => s.reduceByKeyAndWindow(add, sub, Seconds(4), Milliseconds(2500)),
      'DSTREAM_ERR_SLIDE_NOT_MULTIPLE',
      'requirement failed: The slide duration of ReducedWindowedDStream (2500 ms) must be multiple of the slide duration of parent DStream (2000 ms)',
    ],
    [
      'countByWindow',
      (s: DStream<KV>) => s.countByWindow(Seconds(4), Seconds(3)),
      'DSTREAM_ERR_SLIDE_NOT_MULTIPLE',
      'requirement failed: The slide duration of ReducedWindowedDStream (3000 ms) must be multiple of the slide duration of parent DStream (2000 ms)',
    ],
    [
      'countByValueAndWindow',
      (s: DStream<KV>) => s.countByValueAndWindow(Seconds(1), Seconds(2)),
      'DSTREAM_ERR_WINDOW_NOT_MULTIPLE',
      'requirement failed: The window duration of ReducedWindowedDStream (1000 ms) must be multiple of the slide duration of parent DStream (2000 ms)',
    ],
  ])(
    '%s: a duration that is not a multiple of the parent slide',
    (_name, declare, code, message) => {
      withStream((s) => {
        let error: unknown;
        try {
          declare(s);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DStreamError);
        expect((error as DStreamError).code).toBe(code);
        expect((error as DStreamError).message).toBe(message);
      });
    },
  );

  it.each([
    [
      'a zero window',
      (s: DStream<KV>) => s.window(Seconds(0)),
      /window duration.*\(0 ms\) must be positive/,
    ],
    [
      'a negative slide',
      (s: DStream<KV>) => s.window(Seconds(4), Seconds(-2)),
      /slide duration.*\(-2000 ms\) must be positive/,
    ],
    [
      'a zero incremental window',
      (s: DStream<KV>) => s.reduceByKeyAndWindow(add, sub, Seconds(0), Seconds(2)),
      /window duration of ReducedWindowedDStream \(0 ms\) must be positive/,
    ],
    [
      'a zero countByWindow slide',
      (s: DStream<KV>) => s.countByWindow(Seconds(2), Seconds(0)),
      /slide duration of ReducedWindowedDStream \(0 ms\) must be positive/,
    ],
  ])('%s is refused where it is declared', (_name, declare, message) => {
    withStream((s) => {
      expect(() => declare(s)).toThrow(message);
      try {
        declare(s);
      } catch (e) {
        expect((e as DStreamError).code).toBe('DSTREAM_ERR_INVALID_DURATION');
      }
    });
  });

  it('a partition count below 1 is refused', () => {
    withStream((s) => {
      expect(() => s.reduceByKeyAndWindow(add, sub, Seconds(2), Seconds(2), 0)).toThrow(
        'requirement failed: Number of partitions (0) must be positive.',
      );
    });
  });
});

describe('incremental forms need a checkpoint directory', () => {
  const message =
    'requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().';
  it.each([
    [
      'reduceByKeyAndWindow with inverse',
      (s: DStream<KV>) =>
        s.reduceByKeyAndWindow(
          (a, b) => a + b,
          (a, b) => a - b,
          Seconds(2),
        ),
    ],
    ['countByWindow', (s: DStream<KV>) => s.countByWindow(Seconds(2), Seconds(1))],
    ['countByValueAndWindow', (s: DStream<KV>) => s.countByValueAndWindow(Seconds(2), Seconds(1))],
    [
      'reduceByWindow with inverse',
      (s: DStream<KV>) =>
        s
          .map((kv) => kv[1])
          .reduceByWindow(
            (a, b) => a + b,
            (a, b) => a - b,
            Seconds(2),
            Seconds(1),
          ),
    ],
  ])('%s', async (_name, build) => {
    const logged = captureStderr();
    const error = await runBatches({
      inputs: [bigInput],
      numBatches: 2,
      build: (_ssc, [s]) => build(s!) as DStream<unknown>,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DStreamError);
    expect((error as DStreamError).code).toBe('DSTREAM_ERR_CHECKPOINT_DIR_NOT_SET');
    expect((error as DStreamError).message).toBe(message);
    expect(errorLines(logged)).toEqual([
      'ERROR StreamingContext: Error starting the context, marking it as stopped',
    ]);
  });

  it('the non-incremental forms do not', async () => {
    const out = await runBatches({
      inputs: [bigInput],
      numBatches: 2,
      build: (_ssc, [s]) => s!.reduceByKeyAndWindow((a, b) => a + b, Seconds(2)),
    });
    expect(sorted(out)).toEqual(sorted(bigReduceOutput.slice(0, 2)));
  });
});

// ------------------------------------------------------------ bounded memory, state for checkpoints

/** How many RDDs an RDD's lineage holds, itself included. */
function lineageSize(rdd: RDD<unknown>): number {
  const seen = new Set<RDD<unknown>>();
  const visit = (r: RDD<unknown>) => {
    if (seen.has(r)) return;
    seen.add(r);
    for (const p of r.narrowParents) visit(p);
    for (const d of r.shuffleDependencies) visit(d.rdd);
  };
  visit(rdd);
  return seen.size;
}

interface WindowState {
  latestWindow(): { time: Time; rdd: RDD<KV> } | undefined;
  restoreWindow(time: Time, pairs: Iterable<KV>): void;
  snapshotState(
    time: Time,
  ): Promise<{ entries: readonly (readonly [unknown, unknown])[] } | undefined>;
}

describe('incremental windows over many batches', () => {
  it('keep a bounded lineage and forget old windows and batches', async () => {
    const input = Array.from({ length: 200 }, (_, i) => kvs([`k${i % 7}`, 1], [`k${i % 3}`, 2]));
    let stream: DStream<KV> | undefined;
    const lineages: number[] = [];
    const remembered: number[] = [];
    const out = await runBatches({
      inputs: [input],
      numBatches: 200,
      checkpointDir,
      build: (_ssc, [s]) => {
        stream = s!.reduceByKeyAndWindow(
          (a, b) => a + b,
          (a, b) => a - b,
          Seconds(5),
        );
        stream.foreachRDD(async (rdd) => {
          // Only the first partition is asked for, as print() does: the window is still computed.
          await rdd.take(1);
          lineages.push(lineageSize(rdd));
          remembered.push(stream!.generated.size, stream!.dependencies[0]!.generated.size);
        });
        return stream;
      },
    });
    expect(out).toHaveLength(200);
    expect(sorted(out).at(-1)).toEqual(
      sorted([kvs(['k0', 5], ['k1', 5], ['k2', 3], ['k3', 1], ['k4', 0], ['k5', 0], ['k6', 1])])[0],
    );
    expect(Math.max(...lineages)).toBe(1);
    // Spark's remember durations: 2 x the 10 s checkpoint interval, plus the window for batches.
    expect(Math.max(...remembered)).toBeLessThanOrEqual(26);
  });

  it('cost what enters and leaves the window, not the window length', async () => {
    /** Calls of the user's functions in the last 20 of 80 batches. */
    const callsInSteadyState = async (window: number, incremental: boolean) => {
      let calls = 0;
      const add = (a: number, b: number) => (calls++, a + b);
      const sub = (a: number, b: number) => (calls++, a - b);
      const cumulative: number[] = [];
      await runBatches({
        inputs: [Array.from({ length: 80 }, () => kvs(['k0', 1], ['k1', 1], ['k2', 1], ['k0', 1]))],
        numBatches: 80,
        checkpointDir,
        build: (_ssc, [s]) => {
          const w = incremental
            ? s!.reduceByKeyAndWindow(add, sub, Seconds(window))
            : s!.reduceByKeyAndWindow(add, Seconds(window));
          w.foreachRDD(async (rdd) => {
            await rdd.count();
            cumulative.push(calls);
          });
          return w;
        },
      });
      return cumulative[79]! - cumulative[59]!;
    };
    const short = await callsInSteadyState(10, true);
    expect(short).toBeGreaterThan(0);
    expect(await callsInSteadyState(50, true)).toBe(short);
    // The non-incremental form reduces the whole window again: it grows with the window.
    expect(await callsInSteadyState(50, false)).toBeGreaterThan(
      3 * (await callsInSteadyState(10, false)),
    );
  });

  it('expose their latest window, and restore one', async () => {
    let state: WindowState | undefined;
    let snapshot: readonly (readonly [unknown, unknown])[] | undefined;
    const out = await runBatches({
      inputs: [[kvs(['a', 1]), kvs(['b', 2]), kvs(['a', 3])]],
      numBatches: 3,
      checkpointDir,
      build: (_ssc, [s]) => {
        const windowed = s!.reduceByKeyAndWindow(
          (a, b) => a + b,
          (a, b) => a - b,
          Seconds(2),
        );
        state = windowed as unknown as WindowState;
        windowed.foreachRDD(async (_rdd, time) => {
          if (time.milliseconds === 3000) {
            expect(state!.latestWindow()!.time).toEqual(time);
            snapshot = (await state!.snapshotState(time))!.entries;
          }
        });
        return windowed;
      },
    });
    expect(sorted(out).at(-1)).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
    expect(sorted([snapshot as unknown as KV[]])[0]).toEqual([
      ['a', 3],
      ['b', 2],
    ]);

    // A new run seeded with that window: a is 3 + 1, b is 2 + 0.
    const resumed = await runBatches({
      inputs: [[kvs(['a', 1])]],
      numBatches: 1,
      checkpointDir,
      build: (_ssc, [s]) => {
        const windowed = s!.reduceByKeyAndWindow(
          (a, b) => a + b,
          (a, b) => a - b,
          Seconds(2),
        );
        (windowed as unknown as WindowState).restoreWindow(new Time(0), snapshot as KV[]);
        return windowed;
      },
    });
    expect(sorted(resumed)).toEqual([
      [
        ['a', 4],
        ['b', 2],
      ],
    ]);
  });
});
