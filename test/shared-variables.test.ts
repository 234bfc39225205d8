// Spark's shared variables on the main thread: broadcast variables (value, id, unpersist, destroy
// and Spark's error after it) and accumulators (long, double, collection, custom), whose updates
// count once per successful task attempt. Task threads: test/shared-variables-threads.test.ts.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccumulatorV2,
  DStreamError,
  SourceRDD,
  SparkContext,
  registerPartitionReader,
  type DStream,
  type PartitionSource,
} from 'dstream';
import { runBatches } from 'dstream/testing';

let sc: SparkContext;
beforeAll(() => {
  sc = new SparkContext({ master: 'local[3]', appName: 'shared-variables' });
});
afterAll(() => sc.stop());

/** `file:line` of the first line of this file that contains `text`. */
function at(text: string): string {
  const source = readFileSync(import.meta.filename, 'utf8');
  return `shared-variables.test.ts:${source.slice(0, source.indexOf(text)).split('\n').length}`;
}

describe('broadcast variables', () => {
  it("give their value, Spark's id and toString", () => {
    const first = sc.broadcast([1, 2, 3]);
    const second = sc.broadcast(new Map([['a', 1]]));
    expect(first.value).toEqual([1, 2, 3]);
    expect(second.id).toBe(first.id + 1);
    expect(first.toString()).toBe(`Broadcast(${first.id})`);
  });

  it('are read by the functions of RDDs and streams (map, transform, foreachRDD)', async () => {
    const bonus = sc.broadcast(100);
    expect(
      await sc
        .parallelize([1, 2], 2)
        .map((x) => x + bonus.value)
        .collect(),
    ).toEqual([101, 102]);
    const seen: number[][] = [];
    const out = await runBatches({
      inputs: [[[1, 2], [3]]],
      numBatches: 2,
      build: (ssc, [s]) => {
        const offset = ssc.sparkContext.broadcast(10);
        const mapped = (s as DStream<number>)
          .map((x) => x * offset.value)
          .transform((rdd) => rdd.map((x) => x + offset.value));
        mapped.foreachRDD(async (rdd) => {
          seen.push((await rdd.collect()).map((x) => x - offset.value));
        });
        return mapped;
      },
    });
    expect(out).toEqual([[20, 30], [40]]);
    expect(seen).toEqual([[10, 20], [30]]);
  });

  it("stay usable after unpersist(); after destroy() every use throws Spark's error", async () => {
    const table = sc.broadcast({ a: 1 });
    table.unpersist();
    expect(table.value).toEqual({ a: 1 });
    expect(table.isValid).toBe(true);
    table.destroy(); // destroyed here
    expect(table.isValid).toBe(false);
    const message = `Attempted to use Broadcast(${table.id}) after it was destroyed (destroy at ${at('table.destroy(); // destroyed here')}) `;
    for (const use of [() => table.value, () => table.unpersist(), () => table.destroy()]) {
      let error: unknown;
      try {
        use();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DStreamError);
      expect(error).toMatchObject({ code: 'DSTREAM_ERR_BROADCAST_DESTROYED', message });
    }
    await expect(
      sc
        .parallelize([1])
        .map(() => table.value.a)
        .collect(),
    ).rejects.toThrow(message);
  });
});

describe('accumulators', () => {
  it("longAccumulator: Spark's value, sum, count, avg, name, id, isZero, reset and toString", async () => {
    const acc = sc.longAccumulator('records');
    expect(acc.isZero()).toBe(true);
    expect(Number.isNaN(acc.avg)).toBe(true);
    await sc.parallelize([1, 2, 3, 4, 5, 6], 3).foreach((x) => acc.add(x));
    expect([acc.value, acc.sum, acc.count, acc.avg]).toEqual([21, 21, 6, 3.5]);
    expect(acc.name).toBe('records');
    expect(acc.isZero()).toBe(false);
    expect(acc.toString()).toBe(`LongAccumulator(id: ${acc.id}, name: Some(records), value: 21)`);
    acc.reset();
    expect([acc.value, acc.count, acc.isZero()]).toEqual([0, 0, true]);
    const unnamed = sc.longAccumulator();
    expect(unnamed.id).toBe(acc.id + 1);
    expect(unnamed.toString()).toBe(`LongAccumulator(id: ${unnamed.id}, name: None, value: 0)`);
  });

  it('doubleAccumulator and collectionAccumulator', async () => {
    const total = sc.doubleAccumulator('total');
    const rejected = sc.collectionAccumulator<string>('rejected');
    await sc.parallelize(['1.5', 'x', '2.25', 'y'], 2).foreachPartition((items) => {
      for (const s of items) {
        if (Number.isNaN(Number(s))) rejected.add(s);
        else total.add(Number(s));
      }
    });
    expect([total.value, total.count, total.avg]).toEqual([3.75, 2, 1.875]);
    expect(rejected.value.sort()).toEqual(['x', 'y']);
    expect(rejected.isZero()).toBe(false);
  });

  it('a custom AccumulatorV2 registered with sc.register', async () => {
    class MaxAccumulator extends AccumulatorV2<number, number> {
      max = -Infinity;
      isZero() {
        return this.max === -Infinity;
      }
      copy() {
        const c = new MaxAccumulator();
        c.max = this.max;
        return c;
      }
      reset() {
        this.max = -Infinity;
      }
      add(v: number) {
        this.max = Math.max(this.max, v);
      }
      merge(other: MaxAccumulator) {
        this.max = Math.max(this.max, other.max);
      }
      get value() {
        return this.max;
      }
    }
    const longest = sc.register(new MaxAccumulator(), 'longest');
    expect(longest.isRegistered).toBe(true);
    await sc.parallelize(['a', 'abcd', 'ab'], 3).foreach((s) => longest.add(s.length));
    expect(longest.value).toBe(4);
    expect(() => sc.register(longest)).toThrow(/Cannot register an Accumulator twice/);
  });

  it("a failed task's updates are not counted", async () => {
    const acc = sc.longAccumulator();
    const action = sc.parallelize([1, 2, 3, 4], 2).foreach((x) => {
      acc.add(1);
      if (x === 4) throw new Error('bad record');
    });
    await expect(action).rejects.toThrow('bad record');
    // Partition 0 (1, 2) succeeded; partition 1 added 2 before it failed: dropped.
    expect(acc.value).toBe(2);
  });

  it('a task attempt that runs again (a partition that arrived asynchronously) counts once', async () => {
    interface Later extends PartitionSource {
      readonly kind: 'test.later';
      readonly values: readonly number[];
    }
    registerPartitionReader<Later, number>({
      kind: 'test.later',
      read: async ({ values }) => {
        await new Promise((resolve) => setImmediate(resolve));
        return [...values];
      },
    });
    class LaterRDD extends SourceRDD<number> {
      get numPartitions() {
        return 1;
      }
      protected get kind() {
        return 'later';
      }
      partitionSource(): Later {
        return { kind: 'test.later', values: [10, 20] };
      }
    }
    const acc = sc.longAccumulator('mapped');
    const counted = sc.parallelize([1, 2, 3], 1).map((x) => {
      acc.add(1);
      return x;
    });
    // One task reads both: its first attempt maps 1, 2, 3, then waits for the second partition
    // and runs again.
    const both = sc.union([counted, new LaterRDD(sc)]).coalesce(1);
    expect(await both.collect()).toEqual([1, 2, 3, 10, 20]);
    expect(acc.value).toBe(3);
  });

  it('count updates from stream functions: map (in a transformation), transform and foreachRDD', async () => {
    let mapped!: ReturnType<SparkContext['longAccumulator']>;
    let batches!: ReturnType<SparkContext['longAccumulator']>;
    let printed!: ReturnType<SparkContext['collectionAccumulator']>;
    await runBatches({
      inputs: [[['a', 'b'], ['c']]],
      numBatches: 2,
      partitions: 2,
      build: (ssc, [s]) => {
        mapped = ssc.sparkContext.longAccumulator('mapped');
        batches = ssc.sparkContext.longAccumulator('batches');
        printed = ssc.sparkContext.collectionAccumulator('printed');
        const pairs = (s as DStream<string>)
          .map((w) => {
            mapped.add(1);
            return [w, 1] as const;
          })
          .transform((rdd) => {
            batches.add(1);
            return rdd.reduceByKey((a, b) => a + b);
          });
        pairs.foreachRDD(async (rdd) => {
          await rdd.foreach(([w]) => printed.add(w));
        });
        return pairs;
      },
    });
    // The map side ran once per batch for both outputs (shuffle outputs are kept).
    expect(mapped.value).toBe(3);
    expect(batches.value).toBe(2);
    expect([...printed.value].sort()).toEqual(['a', 'b', 'c']);
  });
});
