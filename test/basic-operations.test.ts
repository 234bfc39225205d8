// Spark's BasicOperationsSuite (streaming), scenario by scenario: the same inputs, operations and
// expected outputs, run through the public test kit.
import { afterEach, describe, expect, it } from 'vitest';
import { DStream, DStreamError, Seconds, Time, type ErrorCode, type RDD } from 'dstream';
import { createManualContext, runBatches, TestInputStream } from 'dstream/testing';
import { captureStderr, errorLines } from './support/capture-stderr.js';

type Batch<T> = readonly T[] | null;

interface OperationOptions {
  /** Compare each batch ignoring order (Spark's `useSet`; here as multisets, which is stricter). */
  useSet?: boolean;
  /** Batches to run; default one per expected output, as Spark's `testOperation`. */
  numBatches?: number;
  /** Partitions of each input batch; Spark's suite uses 2. */
  partitions?: number;
}

/** Spark's `TestSuiteBase.testOperation` for one input stream. */
function testOperation<I, O>(
  name: string,
  input: Batch<I>[],
  operation: (s: DStream<I>) => DStream<O>,
  expected: readonly (readonly unknown[])[],
  options: OperationOptions = {},
): void {
  it(name, async () => {
    const output = await runBatches({
      inputs: [input],
      numBatches: options.numBatches ?? expected.length,
      partitions: options.partitions ?? 2,
      build: (_ssc, [s]) => operation(s!),
    });
    verifyOutput(output, expected, options.useSet ?? false);
  });
}

/** Spark's `TestSuiteBase.testOperation` for two input streams. */
function testBinaryOperation<I, O>(
  name: string,
  input1: Batch<I>[],
  input2: Batch<I>[],
  operation: (s1: DStream<I>, s2: DStream<I>) => DStream<O>,
  expected: readonly (readonly unknown[])[],
  options: OperationOptions = {},
): void {
  it(name, async () => {
    const output = await runBatches({
      inputs: [input1, input2],
      numBatches: options.numBatches ?? expected.length,
      partitions: options.partitions ?? 2,
      build: (_ssc, [s1, s2]) => operation(s1!, s2!),
    });
    verifyOutput(output, expected, options.useSet ?? false);
  });
}

/** What a batch failure must look like: its code, its message and the batch it failed in. */
interface ExpectedFailure {
  code: ErrorCode;
  message: string;
  batchTime: number;
}

/** Runs `run`, capturing what it logs: the failure is logged once as an ERROR, then rejected. */
async function expectFailure(run: () => Promise<unknown>, failure: ExpectedFailure): Promise<void> {
  const stderr = captureStderr();
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DStreamError);
  const e = error as DStreamError;
  expect(e.code).toBe(failure.code);
  expect(e.message).toBe(failure.message);
  expect(e.batchTime?.milliseconds).toBe(failure.batchTime);
  expect(errorLines(stderr)).toHaveLength(1);
  expect(stderr.join('')).toContain(failure.message);
}

function verifyOutput(
  output: readonly (readonly unknown[])[],
  expected: readonly (readonly unknown[])[],
  useSet: boolean,
): void {
  if (!useSet) {
    expect(output).toEqual(expected);
    return;
  }
  expect(output.map(sortCanonically)).toEqual(expected.map(sortCanonically));
}

function sortCanonically(batch: readonly unknown[]): unknown[] {
  return [...batch].sort((a, b) => {
    const ka = canonical(a);
    const kb = canonical(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

function canonical(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (v === undefined ? '<undefined>' : v));
}

/** `from to to`, both included (Scala's `from to to`). */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** A stream with twice its parent's slide, to build graphs Spark refuses. */
class EveryOtherBatch<T> extends DStream<T> {
  constructor(private readonly parent: DStream<T>) {
    super(parent.context);
  }

  get slideDuration() {
    return this.parent.slideDuration.times(2);
  }

  get dependencies() {
    return [this.parent];
  }

  compute(time: Time): RDD<T> | undefined {
    return this.parent.getOrCompute(time);
  }
}

/** Each batch with the one before it, like a two-batch window: its parent must remember longer. */
class WithPreviousBatch<T> extends DStream<T> {
  constructor(private readonly parent: DStream<T>) {
    super(parent.context);
  }

  get slideDuration() {
    return this.parent.slideDuration;
  }

  get dependencies() {
    return [this.parent];
  }

  protected override parentRememberDuration() {
    return this.rememberDuration?.plus(this.slideDuration);
  }

  compute(time: Time): RDD<T> | undefined {
    const rdds = this.parent.slice(time.minus(this.slideDuration), time);
    return this.context.sparkContext.union(rdds);
  }
}

describe('BasicOperationsSuite', () => {
  const contexts: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const ssc of contexts.splice(0)) await ssc.stop();
  });

  const numbers = [range(1, 4), range(5, 8), range(9, 12)];

  testOperation(
    'map',
    numbers,
    (r) => r.map(String),
    numbers.map((b) => b.map(String)),
  );

  testOperation(
    'flatMap',
    numbers,
    (r) => r.flatMap((x) => [x, x * 2]),
    numbers.map((b) => b.flatMap((x) => [x, x * 2])),
  );

  testOperation(
    'filter',
    numbers,
    (r) => r.filter((x) => x % 2 === 0),
    numbers.map((b) => b.filter((x) => x % 2 === 0)),
  );

  testOperation('glom', numbers, (r) => r.glom(), [
    [
      [1, 2],
      [3, 4],
    ],
    [
      [5, 6],
      [7, 8],
    ],
    [
      [9, 10],
      [11, 12],
    ],
  ]);

  testOperation(
    'mapPartitions',
    numbers,
    (r) => r.mapPartitions((items) => [items.reduce((a, b) => a + b, 0)]),
    [
      [3, 7],
      [11, 15],
      [19, 23],
    ],
    { useSet: true },
  );

  const hundreds = [range(1, 100), range(101, 200), range(201, 300)];

  it('repartition (more partitions)', async () => {
    const output = await runBatches({
      inputs: [hundreds],
      partitions: 2,
      numBatches: 3,
      build: (_ssc, [s]) => s!.repartition(5).glom(),
    });
    expect(output).toHaveLength(3);
    output.forEach((partitions, i) => {
      expect(partitions).toHaveLength(5);
      expect(partitions.flat().sort((a, b) => a - b)).toEqual(hundreds[i]);
    });
  });

  it('repartition (fewer partitions)', async () => {
    const output = await runBatches({
      inputs: [hundreds],
      partitions: 5,
      numBatches: 3,
      build: (_ssc, [s]) => s!.repartition(2).glom(),
    });
    expect(output).toHaveLength(3);
    output.forEach((partitions, i) => {
      expect(partitions).toHaveLength(2);
      expect(partitions.flat().sort((a, b) => a - b)).toEqual(hundreds[i]);
    });
  });

  const words = [['a', 'a', 'b'], ['', ''], []];

  testOperation(
    'groupByKey',
    words,
    (s) => s.map((x) => [x, 1] as const).groupByKey(),
    [
      [
        ['a', [1, 1]],
        ['b', [1]],
      ],
      [['', [1, 1]]],
      [],
    ],
    { useSet: true },
  );

  testOperation(
    'reduceByKey',
    words,
    (s) => s.map((x) => [x, 1] as const).reduceByKey((a, b) => a + b),
    [
      [
        ['a', 2],
        ['b', 1],
      ],
      [['', 2]],
      [],
    ],
    { useSet: true },
  );

  testOperation('reduce', numbers, (s) => s.reduce((a, b) => a + b), [[10], [26], [42]]);

  testOperation(
    'count',
    [[], range(1, 1), range(1, 2), range(1, 3), range(1, 4)],
    (s) => s.count(),
    [[0], [1], [2], [3], [4]],
  );

  testOperation(
    'countByValue',
    [range(1, 1), [1, 1, 1], range(1, 2), [1, 1, 2, 2]],
    (s) => s.countByValue(),
    [
      [[1, 1]],
      [[1, 3]],
      [
        [1, 1],
        [2, 1],
      ],
      [
        [2, 2],
        [1, 2],
      ],
    ],
    { useSet: true },
  );

  testOperation(
    'mapValues',
    words,
    (s) =>
      s
        .map((x) => [x, 1] as const)
        .reduceByKey((a, b) => a + b)
        .mapValues((v) => v + 10),
    [
      [
        ['a', 12],
        ['b', 11],
      ],
      [['', 12]],
      [],
    ],
    { useSet: true },
  );

  testOperation(
    'flatMapValues',
    words,
    (s) =>
      s
        .map((x) => [x, 1] as const)
        .reduceByKey((a, b) => a + b)
        .flatMapValues((v) => [v, v + 10]),
    [
      [
        ['a', 2],
        ['a', 12],
        ['b', 1],
        ['b', 11],
      ],
      [
        ['', 2],
        ['', 12],
      ],
      [],
    ],
    { useSet: true },
  );

  const offsets = [range(1, 4), range(101, 104), range(201, 204)];

  testOperation('union', offsets, (s) => s.union(s.map((x) => x + 4)), [
    range(1, 8),
    range(101, 108),
    range(201, 208),
  ]);

  it('union with input stream return None', async () => {
    await expectFailure(
      () =>
        runBatches({
          inputs: [[...offsets, null]],
          numBatches: 4,
          build: (_ssc, [s]) => s!.union(s!.map((x) => x + 4)),
        }),
      {
        code: 'DSTREAM_ERR_PARENT_RDD_MISSING',
        message: 'Could not generate RDD from a parent for unifying at time 4000 ms',
        batchTime: 4000,
      },
    );
  });

  it('union with different slide durations', () => {
    const { ssc } = createManualContext();
    contexts.push(ssc);
    const s = new TestInputStream(ssc, numbers, 2);
    const slow = new EveryOtherBatch(s);
    const message = 'requirement failed: Some of the DStreams have different slide durations';
    const refused = { code: 'DSTREAM_ERR_DIFFERENT_SLIDES', message };
    expect(() => s.union(slow)).toThrow(expect.objectContaining(refused));
    expect(() => ssc.union([s, s.map((x) => x), slow])).toThrow(expect.objectContaining(refused));
    expect(() => s.transformWith(slow, (a) => a)).toThrow(expect.objectContaining(refused));
    expect(() => ssc.transform([slow, s], (rdds) => rdds[0]!)).toThrow(
      expect.objectContaining(refused),
    );
  });

  it('union of streams of different contexts', () => {
    const { ssc } = createManualContext();
    const { ssc: other } = createManualContext();
    contexts.push(ssc, other);
    const s = new TestInputStream(ssc, numbers, 2);
    const t = new TestInputStream(other, numbers, 2);
    expect(() => s.union(t)).toThrow(
      expect.objectContaining({
        code: 'DSTREAM_ERR_DIFFERENT_CONTEXTS',
        message: 'requirement failed: Some of the DStreams have different contexts',
      }),
    );
  });

  it('union of streams reduced with one partitioner keeps its partitions', async () => {
    const output = await runBatches({
      inputs: [[['a', 'b', 'a']]],
      numBatches: 1,
      build: (_ssc, [s]) => {
        const counts = s!.map((w) => [w, 1] as const).reduceByKey((a, b) => a + b, 3);
        return counts.union(counts.mapValues((n) => n * 10)).glom();
      },
    });
    // 'a' = 97 → partition 1, 'b' = 98 → partition 2, of 3 (not 6).
    expect(output).toEqual([
      [
        [],
        [
          ['a', 2],
          ['a', 20],
        ],
        [
          ['b', 1],
          ['b', 10],
        ],
      ],
    ]);
  });

  testOperation(
    'StreamingContext.union',
    offsets,
    (s) => s.context.union([s, s.map((x) => x + 4), s.map((x) => x + 8)]),
    [range(1, 12), range(101, 112), range(201, 212)],
  );

  it('StreamingContext.union of no streams', () => {
    const { ssc } = createManualContext();
    contexts.push(ssc);
    expect(() => ssc.union([])).toThrow(
      expect.objectContaining({
        code: 'DSTREAM_ERR_EMPTY_STREAM_LIST',
        message: 'requirement failed: List of DStreams to union is empty',
      }),
    );
    expect(() => ssc.transform([], (rdds) => rdds[0]!)).toThrow(
      expect.objectContaining({
        code: 'DSTREAM_ERR_EMPTY_STREAM_LIST',
        message: 'requirement failed: List of DStreams to transform is empty',
      }),
    );
  });

  testOperation(
    'transform',
    numbers,
    (r) => r.transform((rdd) => rdd.map(String)),
    numbers.map((b) => b.map(String)),
  );

  it('transform gets the batch time', async () => {
    const output = await runBatches({
      inputs: [[[1], [2]]],
      numBatches: 2,
      build: (_ssc, [s]) => s!.transform((rdd, time) => rdd.map((x) => [x, time.milliseconds])),
    });
    expect(output).toEqual([[[1, 1000]], [[2, 2000]]]);
  });

  it('transform with NULL', async () => {
    await expectFailure(
      () =>
        runBatches({
          inputs: [[range(1, 4)]],
          numBatches: 1,
          build: (_ssc, [r]) => r!.transform(() => null as unknown as RDD<number>),
        }),
      {
        code: 'DSTREAM_ERR_TRANSFORM_RETURNED_NULL',
        message:
          'Transform function must not return null. Return sparkContext.emptyRDD() instead to represent no element as the result of transformation.',
        batchTime: 1000,
      },
    );
  });

  it('transform with input stream return None', async () => {
    await expectFailure(
      () =>
        runBatches({
          inputs: [[range(1, 4), range(5, 8), null]],
          numBatches: 3,
          build: (_ssc, [r]) => r!.transform((rdd) => rdd.map(String)),
        }),
      {
        code: 'DSTREAM_ERR_PARENT_RDD_MISSING',
        message: "Couldn't generate RDD from parent at time 3000 ms",
        batchTime: 3000,
      },
    );
  });

  it('transform with a throwing function fails the batch with the error as cause', async () => {
    const boom = new Error('error in transform');
    const stderr = captureStderr();
    const error = await runBatches({
      inputs: [[[1], [2], [3]]],
      numBatches: 3,
      build: (_ssc, [r]) =>
        r!.transform((rdd, time) => {
          if (time.milliseconds === 2000) throw boom;
          return rdd;
        }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DStreamError);
    expect(error).toMatchObject({ code: 'DSTREAM_ERR_BATCH_FAILED', cause: boom });
    expect((error as DStreamError).message).toContain('error in transform');
    expect((error as DStreamError).batchTime).toEqual(new Time(2000));
    expect(errorLines(stderr)).toEqual([
      'ERROR JobGenerator: Error generating jobs for time 2000 ms',
    ]);
  });

  const left = [['a', 'b'], ['a', ''], [''], []];
  const right = [['a', 'b'], ['b', ''], [], ['']];

  testBinaryOperation(
    'transformWith',
    left,
    right,
    (s1, s2) => {
      const t1 = s1.map((x) => [x, 1] as const);
      const t2 = s2.map((x) => [x, 'x'] as const);
      return t1.transformWith(t2, (rdd1, rdd2) => rdd1.join(rdd2));
    },
    [
      [
        ['a', [1, 'x']],
        ['b', [1, 'x']],
      ],
      [['', [1, 'x']]],
      [],
      [],
    ],
    { useSet: true },
  );

  it('transformWith with input stream return None', async () => {
    await expectFailure(
      () =>
        runBatches({
          inputs: [
            [['a', 'b'], ['a', ''], [''], null],
            [['a', 'b'], ['b', ''], [], null],
          ],
          numBatches: 4,
          build: (_ssc, [s1, s2]) => s1!.transformWith(s2!, (rdd1, rdd2) => rdd1.union(rdd2)),
        }),
      {
        code: 'DSTREAM_ERR_PARENT_RDD_MISSING',
        message: "Couldn't generate RDD from parent at time 4000 ms",
        batchTime: 4000,
      },
    );
  });

  const transformOfThree = (s: DStream<number>) =>
    s.context.transform([s, s.map((x) => x + 4), s.map((x) => x + 8)], (rdds) =>
      rdds[0]!.context.union(rdds as RDD<number>[]),
    );

  testOperation('StreamingContext.transform', offsets, transformOfThree, [
    range(1, 12),
    range(101, 112),
    range(201, 212),
  ]);

  it('StreamingContext.transform with input stream return None', async () => {
    await expectFailure(
      () =>
        runBatches({
          inputs: [[...offsets, null]],
          numBatches: 4,
          build: (_ssc, [s]) => transformOfThree(s!),
        }),
      {
        code: 'DSTREAM_ERR_PARENT_RDD_MISSING',
        message: "Couldn't generate RDD from parent at time 4000 ms",
        batchTime: 4000,
      },
    );
  });

  testBinaryOperation(
    'cogroup',
    [['a', 'a', 'b'], ['a', ''], [''], []],
    [['a', 'a', 'b'], ['b', ''], [], []],
    (s1, s2) => s1.map((x) => [x, 1] as const).cogroup(s2.map((x) => [x, 'x'] as const)),
    [
      [
        [
          'a',
          [
            [1, 1],
            ['x', 'x'],
          ],
        ],
        ['b', [[1], ['x']]],
      ],
      [
        ['a', [[1], []]],
        ['b', [[], ['x']]],
        ['', [[1], ['x']]],
      ],
      [['', [[1], []]]],
      [],
    ],
    { useSet: true },
  );

  testBinaryOperation(
    'join',
    left,
    right,
    (s1, s2) => s1.map((x) => [x, 1] as const).join(s2.map((x) => [x, 'x'] as const)),
    [
      [
        ['a', [1, 'x']],
        ['b', [1, 'x']],
      ],
      [['', [1, 'x']]],
      [],
      [],
    ],
    { useSet: true },
  );

  testBinaryOperation(
    'leftOuterJoin',
    left,
    right,
    (s1, s2) => s1.map((x) => [x, 1] as const).leftOuterJoin(s2.map((x) => [x, 'x'] as const)),
    [
      [
        ['a', [1, 'x']],
        ['b', [1, 'x']],
      ],
      [
        ['', [1, 'x']],
        ['a', [1, undefined]],
      ],
      [['', [1, undefined]]],
      [],
    ],
    { useSet: true },
  );

  testBinaryOperation(
    'rightOuterJoin',
    left,
    right,
    (s1, s2) => s1.map((x) => [x, 1] as const).rightOuterJoin(s2.map((x) => [x, 'x'] as const)),
    [
      [
        ['a', [1, 'x']],
        ['b', [1, 'x']],
      ],
      [
        ['', [1, 'x']],
        ['b', [undefined, 'x']],
      ],
      [],
      [['', [undefined, 'x']]],
    ],
    { useSet: true },
  );

  testBinaryOperation(
    'fullOuterJoin',
    left,
    right,
    (s1, s2) => s1.map((x) => [x, 1] as const).fullOuterJoin(s2.map((x) => [x, 'x'] as const)),
    [
      [
        ['a', [1, 'x']],
        ['b', [1, 'x']],
      ],
      [
        ['', [1, 'x']],
        ['a', [1, undefined]],
        ['b', [undefined, 'x']],
      ],
      [['', [1, undefined]]],
      [['', [undefined, 'x']]],
    ],
    { useSet: true },
  );

  it('join with input stream return None', async () => {
    await expectFailure(
      () =>
        runBatches({
          inputs: [
            [['a'], null],
            [['a'], ['a']],
          ],
          numBatches: 2,
          build: (_ssc, [s1, s2]) =>
            s1!.map((x) => [x, 1] as const).join(s2!.map((x) => [x, 2] as const)),
        }),
      {
        code: 'DSTREAM_ERR_PARENT_RDD_MISSING',
        message: "Couldn't generate RDD from parent at time 2000 ms",
        batchTime: 2000,
      },
    );
  });

  it('joins with numPartitions give that many partitions', async () => {
    const output = await runBatches({
      inputs: [[['a', 'b', 'c']], [['a', 'b', 'c']]],
      numBatches: 1,
      build: (_ssc, [s1, s2]) =>
        s1!
          .map((x) => [x, 1] as const)
          .join(
            s2!.map((x) => [x, 2] as const),
            3,
          )
          .glom(),
    });
    expect(output[0]).toHaveLength(3);
    expect(output[0]!.flat()).toHaveLength(3);
  });

  describe('slice', () => {
    const input = [[1], [2], [3], [4]];

    it('returns the RDDs between two times, both included, on a started context', async () => {
      const { ssc } = createManualContext();
      contexts.push(ssc);
      const stream = new TestInputStream(ssc, input, 2);
      stream.foreachRDD(() => {});
      await ssc.start();
      const sliced = async (from: number, to: number): Promise<number[]> => {
        const rdds = stream.slice(new Time(from), new Time(to));
        const all = (await Promise.all(rdds.map((r) => r.collect()))).flat();
        return [...new Set(all)].sort((a, b) => a - b);
      };
      expect(await sliced(0, 1000)).toEqual([1]);
      expect(await sliced(0, 2000)).toEqual([1, 2]);
      expect(await sliced(1000, 2000)).toEqual([1, 2]);
      expect(await sliced(2000, 4000)).toEqual([2, 3, 4]);
      // Bounds off the slide grid are floored to it.
      expect(await sliced(1500, 3999)).toEqual([1, 2, 3]);
    });

    it('works from inside foreachRDD, on the remembered RDDs', async () => {
      const { ssc, clock } = createManualContext();
      contexts.push(ssc);
      const stream = new TestInputStream(ssc, input, 2);
      ssc.remember(Seconds(3));
      const seen: number[][] = [];
      stream.foreachRDD(async (rdd, time) => {
        const rdds = stream.slice(time.minus(Seconds(2)), time);
        expect(rdds[rdds.length - 1]).toBe(rdd);
        seen.push((await Promise.all(rdds.map((r) => r.collect()))).flat());
      });
      await ssc.start();
      await clock.advance(4000);
      expect(seen).toEqual([[1], [1, 2], [1, 2, 3], [2, 3, 4]]);
      expect(ssc.error).toBeUndefined();
    });

    it('has not been initialized', () => {
      const { ssc } = createManualContext();
      contexts.push(ssc);
      const stream = new TestInputStream(ssc, input, 2);
      expect(() => stream.slice(new Time(0), new Time(1000))).toThrow(
        expect.objectContaining({
          code: 'DSTREAM_ERR_NOT_INITIALIZED',
          message: expect.stringContaining('has not been initialized') as string,
        }),
      );
    });
  });

  describe('rdd cleanup', () => {
    const cleanupInput = range(0, 9).map((x) => [x, x + 1]);
    const times = (s: DStream<unknown>) => [...s.generated.keys()].sort((a, b) => a - b);

    it('forgets RDDs one slide after their batch by default', async () => {
      const { ssc, clock } = createManualContext();
      contexts.push(ssc);
      const input = new TestInputStream(ssc, cleanupInput, 2);
      const mapped = input.map((x) => [x % 10, 1] as const);
      mapped.foreachRDD(() => {});
      await ssc.start();
      await clock.advance(10_000);
      expect(times(mapped)).toEqual([10_000]);
      expect(times(input)).toEqual([10_000]);
    });

    it('remember keeps every stream of the graph at least that long', async () => {
      const { ssc, clock } = createManualContext();
      contexts.push(ssc);
      const input = new TestInputStream(ssc, cleanupInput, 2);
      const mapped = input.map((x) => [x % 10, 1] as const);
      mapped.foreachRDD(() => {});
      ssc.remember(Seconds(3));
      await ssc.start();
      await clock.advance(10_000);
      expect(mapped.rememberDuration).toEqual(Seconds(3));
      // After the batch at 10 s, RDDs at or before 10 s − 3 s are forgotten.
      expect(times(mapped)).toEqual([8000, 9000, 10_000]);
      expect(times(input)).toEqual([8000, 9000, 10_000]);
    });

    it('a stream that reads older batches makes its parents remember them', async () => {
      const { ssc, clock } = createManualContext();
      contexts.push(ssc);
      const input = new TestInputStream(ssc, cleanupInput, 2);
      const mapped = input.map((x) => x * 10);
      const pairsOfBatches = new WithPreviousBatch(mapped);
      const seen: number[][] = [];
      pairsOfBatches.foreachRDD(async (rdd) => {
        seen.push(await rdd.collect());
      });
      await ssc.start();
      await clock.advance(5000);
      expect(seen).toEqual([
        [0, 10],
        [0, 10, 10, 20],
        [10, 20, 20, 30],
        [20, 30, 30, 40],
        [30, 40, 40, 50],
      ]);
      expect(mapped.rememberDuration).toEqual(Seconds(2));
      expect(times(mapped)).toEqual([4000, 5000]);
      expect(times(pairsOfBatches)).toEqual([5000]);
    });

    it('unpersists the persisted RDDs it forgets', async () => {
      const { ssc, clock } = createManualContext();
      contexts.push(ssc);
      const input = new TestInputStream(ssc, cleanupInput, 2);
      const mapped = input.map((x) => `${x}.`).persist();
      const generated: RDD<string>[] = [];
      mapped.foreachRDD(async (rdd) => {
        generated.push(rdd);
        await rdd.count();
      });
      await ssc.start();
      await clock.advance(6000);
      expect(generated).toHaveLength(6);
      expect(generated[5]!.isPersisted).toBe(true);
      expect(generated.slice(0, 5).map((r) => r.isPersisted)).toEqual([
        false,
        false,
        false,
        false,
        false,
      ]);
    });
  });
});
