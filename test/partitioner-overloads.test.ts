// Spark's `numPartitions` and `partitioner` overloads of the keyed operations of RDDs and DStreams:
// a count places keys with a HashPartitioner of that many partitions, a partitioner places each
// key where its getPartition says, and the result keeps that partitioner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HashPartitioner,
  Seconds,
  SparkContext,
  type DStream,
  type Partitioner,
  type RDD,
} from 'dstream';
import { runBatches } from 'dstream/testing';

/** Places a string key by its first letter: a..h in 0, i..p in 1, the rest in 2. */
class FirstLetterPartitioner implements Partitioner {
  readonly numPartitions = 3;

  getPartition(key: unknown): number {
    const c = String(key).charCodeAt(0);
    return c <= 'h'.charCodeAt(0) ? 0 : c <= 'p'.charCodeAt(0) ? 1 : 2;
  }

  equals(other: Partitioner | undefined): boolean {
    return other instanceof FirstLetterPartitioner;
  }
}

const byLetter = new FirstLetterPartitioner();
const words = ['apple', 'kiwi', 'zucchini', 'apple', 'plum', 'zucchini', 'banana', 'kiwi'];

/** The keys of each partition, sorted, as `glom` gives them. */
function keysByPartition(partitions: readonly (readonly (readonly [string, unknown])[])[]) {
  return partitions.map((p) => p.map((kv) => kv[0]).sort());
}

/** Where `partitioner` says each key of `partitions` belongs. */
function expectPlacedBy(
  partitions: readonly (readonly (readonly [string, unknown])[])[],
  partitioner: Partitioner,
) {
  expect(partitions).toHaveLength(partitioner.numPartitions);
  partitions.forEach((p, i) => {
    for (const [k] of p) expect(partitioner.getPartition(k), `key ${k}`).toBe(i);
  });
}

describe('RDD keyed operations with a partitioner', () => {
  let sc: SparkContext;
  let pairs: RDD<readonly [string, number]>;
  beforeAll(() => {
    sc = new SparkContext({ master: 'local[2]', appName: 'partitioners' });
    pairs = sc.parallelize(words, 2).map((w) => [w, 1] as const);
  });
  afterAll(() => sc.stop());

  it('reduceByKey(f, partitioner) places each key where the partitioner says and keeps it', async () => {
    const counts = pairs.reduceByKey((a, b) => a + b, byLetter);
    expect(counts.partitioner).toBe(byLetter);
    const parts = await counts.glom().collect();
    expect(keysByPartition(parts)).toEqual([['apple', 'banana'], ['kiwi', 'plum'], ['zucchini']]);
    expect(new Map(parts.flat())).toEqual(
      new Map([
        ['apple', 2],
        ['banana', 1],
        ['kiwi', 2],
        ['plum', 1],
        ['zucchini', 2],
      ]),
    );
  });

  it('reduceByKey(f, numPartitions) hash-partitions into that many partitions', async () => {
    const counts = pairs.reduceByKey((a, b) => a + b, 5);
    expect(counts.partitioner?.equals(new HashPartitioner(5))).toBe(true);
    expectPlacedBy(await counts.glom().collect(), new HashPartitioner(5));
  });

  it('groupByKey, combineByKey (without map-side combining) and partitionBy take a partitioner', async () => {
    expectPlacedBy(await pairs.groupByKey(byLetter).glom().collect(), byLetter);
    const combined = pairs.combineByKey(
      (v) => [v],
      (c, v) => [...c, v],
      (a, b) => [...a, ...b],
      byLetter,
      false,
    );
    const parts = await combined.glom().collect();
    expectPlacedBy(parts, byLetter);
    expect(new Map(parts.flat()).get('kiwi')).toEqual([1, 1]);
    expectPlacedBy(await pairs.partitionBy(byLetter).glom().collect(), byLetter);
  });

  it('cogroup and join with a partitioner place the joined keys by it', async () => {
    const colours = sc.parallelize(
      [
        ['apple', 'red'],
        ['kiwi', 'green'],
        ['zucchini', 'green'],
      ] as const,
      2,
    );
    const joined = pairs.join(colours, byLetter);
    const parts = await joined.glom().collect();
    expectPlacedBy(parts, byLetter);
    expect(parts.flat()).toHaveLength(6);
    expectPlacedBy(await pairs.cogroup(colours, byLetter).glom().collect(), byLetter);
  });
});

/** Runs `build` on the words, in two partitions per batch, and returns each batch's partitions. */
async function partitionsOf<T>(
  build: (s: DStream<readonly [string, number]>) => DStream<readonly [string, T]>,
  options: { numBatches?: number; checkpointDir?: string } = {},
) {
  return runBatches({
    inputs: [[words.slice(0, 4), words.slice(4)]],
    partitions: 2,
    numBatches: options.numBatches ?? 2,
    batchDuration: Seconds(1),
    ...(options.checkpointDir === undefined ? {} : { checkpointDir: options.checkpointDir }),
    build: (_ssc, [s]) => build((s as DStream<string>).map((w) => [w, 1] as const)).glom(),
  });
}

describe('DStream keyed operations with a partitioner', () => {
  it('reduceByKey, groupByKey and combineByKey place each batch by the partitioner', async () => {
    for (const out of [
      await partitionsOf((s) => s.reduceByKey((a, b) => a + b, byLetter)),
      await partitionsOf((s) => s.groupByKey(byLetter)),
      await partitionsOf((s) =>
        s.combineByKey(
          (v) => v,
          (a, b) => a + b,
          (a, b) => a + b,
          byLetter,
        ),
      ),
    ]) {
      expect(out).toHaveLength(2);
      for (const batch of out) expectPlacedBy(batch, byLetter);
    }
    const counts = await partitionsOf((s) => s.reduceByKey((a, b) => a + b, byLetter));
    expect(keysByPartition(counts[0]!)).toEqual([['apple'], ['kiwi'], ['zucchini']]);
  });

  it('reduceByKey(f, numPartitions) gives that many hash partitions', async () => {
    const out = await partitionsOf((s) => s.reduceByKey((a, b) => a + b, 4));
    for (const batch of out) expectPlacedBy(batch, new HashPartitioner(4));
  });

  it('the window operations and join take a partitioner', async () => {
    const windowed = await partitionsOf((s) =>
      s.reduceByKeyAndWindow((a, b) => a + b, Seconds(2), Seconds(1), byLetter),
    );
    for (const batch of windowed) expectPlacedBy(batch, byLetter);
    expect(new Map(windowed[1]!.flat()).get('zucchini')).toBe(2);
    const grouped = await partitionsOf((s) =>
      s.groupByKeyAndWindow(Seconds(2), Seconds(1), byLetter),
    );
    for (const batch of grouped) expectPlacedBy(batch, byLetter);
    const joined = await partitionsOf((s) => s.join(s, byLetter));
    for (const batch of joined) expectPlacedBy(batch, byLetter);
    const cogrouped = await partitionsOf((s) => s.cogroup(s, byLetter));
    for (const batch of cogrouped) expectPlacedBy(batch, byLetter);
  });

  it('the incremental reduceByKeyAndWindow and updateStateByKey keep their state by the partitioner', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const checkpointDir = await mkdtemp(join(tmpdir(), 'dstream-partitioners-'));
    try {
      const incremental = await partitionsOf(
        (s) =>
          s.reduceByKeyAndWindow(
            (a, b) => a + b,
            (a, b) => a - b,
            Seconds(2),
            Seconds(1),
            byLetter,
            ([, n]) => n > 0,
          ),
        { checkpointDir },
      );
      for (const batch of incremental) expectPlacedBy(batch, byLetter);
      const state = await partitionsOf(
        (s) =>
          s.updateStateByKey(
            (values: number[], total: number | undefined) => values.length + (total ?? 0),
            byLetter,
          ),
        { checkpointDir },
      );
      for (const batch of state) expectPlacedBy(batch, byLetter);
      expect(new Map(state[1]!.flat())).toEqual(
        new Map([
          ['apple', 2],
          ['banana', 1],
          ['kiwi', 2],
          ['plum', 1],
          ['zucchini', 2],
        ]),
      );
    } finally {
      await rm(checkpointDir, { recursive: true, force: true });
    }
  });

  it("updateStateByKey's rememberPartitioner decides whether its RDDs keep the partitioner", async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const checkpointDir = await mkdtemp(join(tmpdir(), 'dstream-partitioners-'));
    try {
      const seen: (Partitioner | undefined)[] = [];
      await runBatches({
        inputs: [[['a'], ['b']]],
        numBatches: 1,
        checkpointDir,
        build: (_ssc, [s]) => {
          const pairs = (s as DStream<string>).map((w) => [w, 1] as const);
          const update = (v: number[], st: number | undefined) => v.length + (st ?? 0);
          const kept = pairs.updateStateByKey(update, { partitioner: byLetter });
          const forgotten = pairs.updateStateByKey(update, {
            partitioner: byLetter,
            rememberPartitioner: false,
          });
          return [kept, forgotten].map((st) =>
            st.transform((rdd) => {
              seen.push(rdd.partitioner);
              return rdd;
            }),
          );
        },
      });
      expect(seen).toEqual([byLetter, undefined]);
    } finally {
      await rm(checkpointDir, { recursive: true, force: true });
    }
  });
});
