// Asynchronous work per batch in the middle of a graph: a transform returns an RDD of
// `sparkContext.fromAsync`, whose function runs once, on the driver, when the first job that reads
// it starts, and may run jobs itself (collect its input, query another engine, return rows).
import { afterAll, describe, expect, it } from 'vitest';
import { DStreamError, Seconds, SparkContext } from 'dstream';
import { runBatches } from 'dstream/testing';

const sc = new SparkContext({ master: 'local[2]', appName: 'async-rdd' });
afterAll(() => sc.stop());

const later = <T>(value: T) => new Promise<T>((resolve) => setImmediate(() => resolve(value)));

describe('fromAsync', () => {
  it('runs its function once, when a job first reads it, and slices the records by position', async () => {
    let runs = 0;
    const rdd = sc.fromAsync(async () => {
      runs++;
      return later([1, 2, 3, 4, 5]);
    }, 2);
    expect(runs).toBe(0);
    expect(rdd.getNumPartitions()).toBe(2);
    expect(await rdd.glom().collect()).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(await rdd.map((x) => x * 2).reduce((a, b) => a + b)).toBe(30);
    expect(runs).toBe(1);
  });

  it('may run jobs itself, and feeds a shuffle', async () => {
    const words = sc.parallelize(['a', 'b', 'a', 'c'], 2);
    const upper = sc.fromAsync(async () => (await words.collect()).map((w) => w.toUpperCase()));
    const counts = await upper
      .map((w) => [w, 1] as const)
      .reduceByKey((a, b) => a + b)
      .collect();
    expect(new Map(counts)).toEqual(
      new Map([
        ['A', 2],
        ['B', 1],
        ['C', 1],
      ]),
    );
  });

  it("fails the job with the function's error, and runs it again for the next job", async () => {
    let attempts = 0;
    const rdd = sc.fromAsync(async () => {
      if (++attempts === 1) throw new Error('store is down');
      return [7];
    });
    await expect(rdd.collect()).rejects.toThrow('store is down');
    expect(await rdd.collect()).toEqual([7]);
  });

  it('is not read outside a job', () => {
    const rdd = sc.fromAsync(async () => [1]);
    const read = () => rdd.partitionArray(0, { stageId: 0, partitionId: 0 });
    expect(read).toThrow(DStreamError);
    expect(read).toThrow('is read before its asynchronous function has run');
  });

  it('gives a stream asynchronous work per batch, run once for all its outputs', async () => {
    const runsPerBatch: number[] = [];
    const [enriched, total] = await runBatches({
      inputs: [[['a', 'b'], ['c'], []]],
      numBatches: 3,
      batchDuration: Seconds(1),
      build: (ssc, [letters]) => {
        const looked = letters!
          .transform((rdd, time) =>
            rdd.context.fromAsync(async () => {
              runsPerBatch.push(time.milliseconds);
              const rows = await rdd.collect();
              return later(rows.map((x) => `${x}@${time.milliseconds}`));
            }),
          )
          .map((s) => s.toUpperCase());
        return [looked, looked.count()];
      },
    });
    expect(enriched).toEqual([['A@1000', 'B@1000'], ['C@2000'], []]);
    expect(total).toEqual([[2], [1], [0]]);
    expect(runsPerBatch).toEqual([1000, 2000, 3000]);
  });
});
