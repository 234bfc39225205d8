// The contract of the RDD layer under the streams: Spark's slicing, fused narrow operations, the
// hash shuffle, keys compared by value, actions, text files, and print's exact output.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DStreamError, HashPartitioner, SparkContext, type RDD } from 'dstream';
import { runBatches } from 'dstream/testing';

let sc: SparkContext;
let dir: string;

beforeAll(async () => {
  sc = new SparkContext({ master: 'local[2]', appName: 'rdd-suite' });
  dir = await mkdtemp(join(tmpdir(), 'dstream-rdd-'));
});

afterAll(async () => {
  await sc.stop();
  await rm(dir, { recursive: true, force: true });
});

const byKey = <K, V>(pairs: readonly (readonly [K, V])[]) =>
  [...pairs].sort((a, b) =>
    String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0,
  );

/** How many shuffles the lineage of `rdd` holds. */
function shufflesIn(rdd: RDD<unknown>): number {
  let n = rdd.shuffleDependencies.length;
  for (const p of rdd.narrowParents) n += shufflesIn(p);
  for (const d of rdd.shuffleDependencies) n += shufflesIn(d.rdd);
  return n;
}

async function failureOf(p: Promise<unknown>): Promise<DStreamError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(DStreamError);
  return e as DStreamError;
}

describe('parallelize', () => {
  it('slices by position: partition j of p holds floor(j*n/p) .. floor((j+1)*n/p)-1', async () => {
    expect(await sc.parallelize([1, 2, 3, 4, 5, 6, 7], 3).glom().collect()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6, 7],
    ]);
    expect(await sc.parallelize([1, 2, 3], 5).glom().collect()).toEqual([[], [1], [], [2], [3]]);
    expect(await sc.parallelize([], 2).glom().collect()).toEqual([[], []]);
  });

  it('defaults to defaultParallelism slices and refuses fewer than one', () => {
    expect(sc.parallelize([1, 2, 3]).getNumPartitions()).toBe(2);
    expect(() => sc.parallelize([1], 0)).toThrow(
      expect.objectContaining({ code: 'DSTREAM_ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('narrow operations', () => {
  it('are fused: each element flows through the whole chain before the next one', async () => {
    const calls: string[] = [];
    const out = await sc
      .parallelize([1, 2, 3], 1)
      .map((x) => {
        calls.push(`map ${x}`);
        return x * 10;
      })
      .filter((x) => {
        calls.push(`filter ${x}`);
        return x !== 20;
      })
      .flatMap((x) => {
        calls.push(`flatMap ${x}`);
        return [x, x + 1];
      })
      .collect();
    expect(out).toEqual([10, 11, 30, 31]);
    expect(calls).toEqual([
      'map 1',
      'filter 10',
      'flatMap 10',
      'map 2',
      'filter 20',
      'map 3',
      'filter 30',
      'flatMap 30',
    ]);
  });

  it('are lazy: nothing runs until an action', async () => {
    let calls = 0;
    const rdd = sc.parallelize([1, 2], 2).map((x) => {
      calls++;
      return x;
    });
    expect(calls).toBe(0);
    await rdd.count();
    expect(calls).toBe(2);
  });

  it('mapPartitions and mapPartitionsWithIndex see whole partitions', async () => {
    const rdd = sc.parallelize([1, 2, 3, 4, 5], 2);
    expect(await rdd.mapPartitions((items) => [items.length]).collect()).toEqual([2, 3]);
    expect(
      await rdd.mapPartitionsWithIndex((i, items) => items.map((x) => [i, x] as const)).collect(),
    ).toEqual([
      [0, 1],
      [0, 2],
      [1, 3],
      [1, 4],
      [1, 5],
    ]);
  });

  it('union keeps the partitions of both, in order', async () => {
    const u = sc.parallelize([1, 2], 2).union(sc.parallelize([3], 1));
    expect(u.getNumPartitions()).toBe(3);
    expect(await u.glom().collect()).toEqual([[1], [2], [3]]);
  });

  it('union of RDDs placed by one partitioner keeps it, partition by partition', async () => {
    type Pair = readonly [string, number];
    const a = sc
      .parallelize<Pair>(
        [
          ['x', 1],
          ['y', 2],
        ],
        2,
      )
      .partitionBy(new HashPartitioner(3));
    const b = sc
      .parallelize<Pair>(
        [
          ['x', 3],
          ['z', 4],
        ],
        1,
      )
      .partitionBy(new HashPartitioner(3));
    const u = a.union(b);
    expect(u.getNumPartitions()).toBe(3);
    expect(u.partitioner?.equals(new HashPartitioner(3))).toBe(true);
    // 'x' = 120 → 0, 'y' = 121 → 1, 'z' = 122 → 2.
    expect(await u.glom().collect()).toEqual([
      [
        ['x', 1],
        ['x', 3],
      ],
      [['y', 2]],
      [['z', 4]],
    ]);
    expect(sc.union([a, sc.parallelize<Pair>([['w', 0]], 2)]).getNumPartitions()).toBe(5);
  });

  it('union leaves out RDDs with no partition', async () => {
    const u = sc.union([sc.emptyRDD<number>(), sc.parallelize([1, 2], 2), sc.emptyRDD<number>()]);
    expect(u.getNumPartitions()).toBe(2);
    expect(await u.collect()).toEqual([1, 2]);
    expect(sc.union<number>([]).getNumPartitions()).toBe(0);
    // An empty RDD (no partitioner) does not stop the others from keeping theirs.
    const keyed = sc.parallelize([['k', 1] as const], 1).partitionBy(new HashPartitioner(3));
    const withEmpty = sc.union([keyed, sc.emptyRDD<readonly ['k', 1]>()]);
    expect(withEmpty.getNumPartitions()).toBe(3);
    expect(withEmpty.partitioner?.equals(new HashPartitioner(3))).toBe(true);
  });

  it('zipWithIndex counts by partition, then position', async () => {
    const zipped = sc.parallelize(['a', 'b', 'c', 'd', 'e'], 3).zipWithIndex();
    expect(await zipped.glom().collect()).toEqual([
      [['a', 0]],
      [
        ['b', 1],
        ['c', 2],
      ],
      [
        ['d', 3],
        ['e', 4],
      ],
    ]);
    // A partition computed alone still knows where it starts.
    expect(
      await zipped.mapPartitionsWithIndex((i, items) => (i === 2 ? items : [])).collect(),
    ).toEqual([
      ['d', 3],
      ['e', 4],
    ]);
  });

  it('persisted RDDs are computed once', async () => {
    let calls = 0;
    const rdd = sc
      .parallelize([1, 2, 3], 2)
      .map((x) => {
        calls++;
        return x;
      })
      .persist();
    await rdd.collect();
    await rdd.count();
    expect(calls).toBe(3);
    rdd.unpersist();
    await rdd.count();
    expect(calls).toBe(6);
  });
});

describe('shuffle', () => {
  it('combines on the map side before moving values', async () => {
    let created = 0;
    let merged = 0;
    let combined = 0;
    const pairs = sc.parallelize(
      [
        ['a', 1],
        ['a', 2],
        ['a', 3],
        ['b', 1],
        ['a', 4],
        ['a', 5],
        ['a', 6],
      ] as const,
      2,
    );
    const out = await pairs
      .combineByKey(
        (v: number) => {
          created++;
          return v;
        },
        (c, v) => {
          merged++;
          return c + v;
        },
        (a, b) => {
          combined++;
          return a + b;
        },
        3,
      )
      .collect();
    expect(byKey(out)).toEqual([
      ['a', 21],
      ['b', 1],
    ]);
    // Partition 0 holds a, a, a; partition 1 holds b, a, a, a: one combiner per key per map
    // partition, and the two partial sums of 'a' merge once on the reduce side.
    expect([created, merged, combined]).toEqual([3, 4, 1]);
  });

  it('groupByKey does not combine on the map side', async () => {
    const pairs = sc.parallelize(
      [
        ['a', 1],
        ['b', 2],
        ['a', 3],
      ] as const,
      3,
    );
    expect(byKey(await pairs.groupByKey(2).collect())).toEqual([
      ['a', [1, 3]],
      ['b', [2]],
    ]);
  });

  it('places keys as Spark’s HashPartitioner: String.hashCode, integers as themselves', async () => {
    const keys = ['a', 'b', 'c', 'hello', -1, 7, 0];
    const placed = await sc
      .parallelize(
        keys.map((k) => [k, null] as const),
        1,
      )
      .partitionBy(new HashPartitioner(4))
      .glom()
      .collect();
    const partitionOf = (k: string | number) =>
      placed.findIndex((p) => p.some((kv) => kv[0] === k));
    // 'a' = 97, 'b' = 98, 'c' = 99, 'hello' = 99162322; -1 mod 4 is 3 (never negative).
    expect(keys.map(partitionOf)).toEqual([1, 2, 3, 2, 3, 3, 0]);
  });

  it('reduceByKey gives the partitions asked for, with a partitioner', async () => {
    const reduced = sc
      .parallelize(
        ['x', 'y', 'z', 'x'].map((w) => [w, 1] as const),
        2,
      )
      .reduceByKey((a, b) => a + b, 3);
    expect(reduced.getNumPartitions()).toBe(3);
    expect(reduced.partitioner?.equals(new HashPartitioner(3))).toBe(true);
    expect(byKey(await reduced.collect())).toEqual([
      ['x', 2],
      ['y', 1],
      ['z', 1],
    ]);
  });

  it('a keyed operation on an RDD already placed by its partitioner needs no shuffle', async () => {
    const placed = sc
      .parallelize(
        ['a', 'b', 'a', 'c', 'b', 'a'].map((w) => [w, 1] as const),
        2,
      )
      .partitionBy(new HashPartitioner(3));
    const other = sc.parallelize<readonly [string, string]>(
      [
        ['a', 'x'],
        ['c', 'y'],
      ],
      2,
    );
    expect(shufflesIn(placed)).toBe(1);
    const reduced = placed.reduceByKey((a, b) => a + b, 3);
    expect(shufflesIn(reduced)).toBe(1);
    expect(reduced.partitioner?.equals(new HashPartitioner(3))).toBe(true);
    // 'c' = 99 → 0, 'a' = 97 → 1, 'b' = 98 → 2.
    expect(await reduced.glom().collect()).toEqual([[['c', 1]], [['a', 3]], [['b', 2]]]);
    expect(byKey(await placed.groupByKey(3).collect())).toEqual([
      ['a', [1, 1, 1]],
      ['b', [1, 1]],
      ['c', [1]],
    ]);
    // Another partition count does shuffle.
    expect(shufflesIn(placed.reduceByKey((a, b) => a + b, 2))).toBe(2);
    // A join shuffles only the side not yet placed.
    const joined = reduced.join(other, 3);
    expect(shufflesIn(joined)).toBe(2);
    expect(byKey(await joined.collect())).toEqual([
      ['a', [3, 'x']],
      ['c', [1, 'y']],
    ]);
  });

  it('a second action reuses the map outputs', async () => {
    let calls = 0;
    const reduced = sc
      .parallelize([1, 2, 3, 4], 2)
      .map((x) => {
        calls++;
        return [x % 2, x] as const;
      })
      .reduceByKey((a, b) => a + b);
    await reduced.collect();
    await reduced.count();
    expect(calls).toBe(4);
  });
});

describe('keys are compared by value', () => {
  it('arrays as keys in reduceByKey', async () => {
    const pairs = sc.parallelize<readonly [readonly [string, number], number]>(
      [
        [['x', 1], 1],
        [['x', 1], 2],
        [['x', 2], 3],
        [['x', 1], 4],
      ],
      3,
    );
    const out = await pairs.reduceByKey((a, b) => a + b, 2).collect();
    expect(byKey(out)).toEqual([
      [['x', 1], 7],
      [['x', 2], 3],
    ]);
  });

  it('plain objects as keys, whatever the order of their properties', async () => {
    const pairs = sc.parallelize<readonly [{ a: number; b: string }, number]>(
      [
        [{ a: 1, b: 'q' }, 1],
        [{ b: 'q', a: 1 }, 2],
        [{ a: 2, b: 'q' }, 5],
      ],
      2,
    );
    const out = await pairs.reduceByKey((a, b) => a + b, 4).collect();
    expect(out).toHaveLength(2);
    expect(out.find((kv) => kv[0].a === 1)?.[1]).toBe(3);
    expect(out.find((kv) => kv[0].a === 2)?.[1]).toBe(5);
  });

  it('a string key never equals an array or object key', async () => {
    const pairs = sc.parallelize<readonly [unknown, number]>(
      [
        ['1', 1],
        [1, 1],
        [[1], 1],
        [['1'], 1],
        [{ '1': 1 }, 1],
      ],
      2,
    );
    expect(await pairs.reduceByKey((a, b) => a + b, 3).count()).toBe(5);
  });

  it('arrays as keys in join', async () => {
    const left = sc.parallelize<readonly [readonly [number, string], string]>(
      [
        [[1, 'a'], 'L1'],
        [[2, 'b'], 'L2'],
      ],
      2,
    );
    const right = sc.parallelize<readonly [readonly [number, string], string]>(
      [
        [[1, 'a'], 'R1'],
        [[3, 'c'], 'R3'],
      ],
      1,
    );
    expect(await left.join(right).collect()).toEqual([
      [
        [1, 'a'],
        ['L1', 'R1'],
      ],
    ]);
  });

  it('a key that cannot be compared by value is refused', async () => {
    const e = await failureOf(
      sc
        .parallelize([[{ f: () => 1 }, 1] as const], 1)
        .reduceByKey((a, b) => a + b, 2)
        .collect(),
    );
    expect(e.code).toBe('DSTREAM_ERR_UNSUPPORTED_KEY');
  });
});

describe('actions', () => {
  const rdd = () => sc.parallelize([5, 1, 4, 2, 3], 3);

  it('collect, count, first, take, isEmpty', async () => {
    expect(await rdd().collect()).toEqual([5, 1, 4, 2, 3]);
    expect(await rdd().count()).toBe(5);
    expect(await rdd().first()).toBe(5);
    expect(await rdd().take(0)).toEqual([]);
    expect(await rdd().take(3)).toEqual([5, 1, 4]);
    expect(await rdd().take(10)).toEqual([5, 1, 4, 2, 3]);
    expect(await rdd().isEmpty()).toBe(false);
    expect(await sc.parallelize([], 3).isEmpty()).toBe(true);
    expect(await sc.emptyRDD().isEmpty()).toBe(true);
    expect(await sc.emptyRDD().count()).toBe(0);
  });

  it('reduce and fold', async () => {
    expect(await rdd().reduce((a, b) => a + b)).toBe(15);
    // Empty partitions are skipped.
    expect(await sc.parallelize([7], 4).reduce((a, b) => a + b)).toBe(7);
    expect(await sc.parallelize([1, 2, 3], 2).fold(0, (a, b) => a + b)).toBe(6);
  });

  it('reduce and first of an empty RDD fail with Spark’s message', async () => {
    const reduced = await failureOf(sc.parallelize<number>([], 2).reduce((a, b) => a + b));
    expect(reduced).toMatchObject({ code: 'DSTREAM_ERR_EMPTY_COLLECTION' });
    expect(reduced.message).toContain('empty collection');
    const first = await failureOf(sc.emptyRDD().first());
    expect(first.code).toBe('DSTREAM_ERR_EMPTY_COLLECTION');
  });

  it('foreach sees every element', async () => {
    const seen: number[] = [];
    await rdd().foreach((x) => seen.push(x));
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('foreachPartition awaits an async function per partition', async () => {
    const written: number[][] = [];
    await rdd().foreachPartition(async (items) => {
      const batch = [...items];
      await new Promise((resolve) => setImmediate(resolve));
      written.push(batch);
    });
    expect(written).toEqual([[5], [1, 4], [2, 3]]);
  });

  it('a throwing function fails the action with its error', async () => {
    const boom = new Error('boom');
    const error = await sc
      .parallelize([1, 2], 2)
      .map(() => {
        throw boom;
      })
      .collect()
      .catch((e: unknown) => e);
    expect(error).toBe(boom);
  });

  it('countByValue and countByKey compare by value', async () => {
    const counted = await sc.parallelize(['a', 'b', 'a', 'c', 'a'], 2).countByValue();
    expect([...counted].sort()).toEqual([
      ['a', 3],
      ['b', 1],
      ['c', 1],
    ]);
    const arrays = await sc.parallelize([[1, 2], [1, 2], [2]], 2).countByValue();
    expect([...arrays.values()].sort()).toEqual([1, 2]);
    const byKeyCount = await sc
      .parallelize(
        [
          ['k', 1],
          ['k', 2],
          ['j', 3],
        ] as const,
        2,
      )
      .countByKey();
    expect(byKeyCount.get('k')).toBe(2);
    expect(byKeyCount.get('j')).toBe(1);
  });
});

describe('partitions', () => {
  it('coalesce merges neighbouring partitions, never adds any without a shuffle', async () => {
    const rdd = sc.parallelize([1, 2, 3, 4, 5, 6, 7, 8], 4);
    expect(await rdd.coalesce(2).glom().collect()).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    expect(rdd.coalesce(8).getNumPartitions()).toBe(4);
    expect(rdd.coalesce(8, true).getNumPartitions()).toBe(8);
  });

  it('repartition spreads elements evenly over exactly n partitions', async () => {
    const data = Array.from({ length: 100 }, (_, i) => i);
    const parts = await sc.parallelize(data, 2).repartition(5).glom().collect();
    expect(parts).toHaveLength(5);
    expect(parts.map((p) => p.length)).toEqual([20, 20, 20, 20, 20]);
    expect(parts.flat().sort((a, b) => a - b)).toEqual(data);
    const fewer = await sc.parallelize(data, 5).repartition(2).glom().collect();
    expect(fewer).toHaveLength(2);
    expect(fewer.flat().sort((a, b) => a - b)).toEqual(data);
  });

  it('distinct compares by value', async () => {
    const out = await sc.parallelize([3, 1, 3, 2, 1], 2).distinct().collect();
    expect(out.sort()).toEqual([1, 2, 3]);
    const arrays = await sc
      .parallelize(
        [
          [1, 'a'],
          [1, 'a'],
          [2, 'a'],
        ],
        2,
      )
      .distinct(3)
      .collect();
    expect(arrays).toHaveLength(2);
  });

  it('sortByKey ascending and descending, over numPartitions ranges', async () => {
    const pairs = sc.parallelize(
      [5, 3, 9, 1, 7, 2, 8, 4, 6].map((k) => [k, `v${k}`] as const),
      3,
    );
    const asc = await pairs.sortByKey().collect();
    expect(asc.map((kv) => kv[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const desc = await pairs.sortByKey(false, 2).glom().collect();
    expect(desc).toHaveLength(2);
    expect(desc.flat().map((kv) => kv[0])).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    // Partition 0 holds the largest keys when descending.
    expect(Math.min(...desc[0]!.map((kv) => kv[0]))).toBeGreaterThan(
      Math.max(...desc[1]!.map((kv) => kv[0])),
    );
    const words = await sc
      .parallelize(
        ['pear', 'apple', 'fig'].map((w) => [w, w.length] as const),
        2,
      )
      .sortByKey()
      .keys()
      .collect();
    expect(words).toEqual(['apple', 'fig', 'pear']);
  });

  it('sortByKey keeps all records of a key in one partition, as range partitioning does', async () => {
    const pairs = sc.parallelize(
      [1, 1, 1, 1, 2, 2, 3, 3].map((k, i) => [k, i] as const),
      2,
    );
    const parts = await pairs.sortByKey(true, 3).glom().collect();
    expect(parts).toHaveLength(3);
    const owners = new Map<number, Set<number>>();
    parts.forEach((p, i) => {
      for (const [k] of p) owners.set(k, (owners.get(k) ?? new Set()).add(i));
    });
    expect([...owners.values()].map((s) => s.size)).toEqual([1, 1, 1]);
    expect(parts.flat().map((kv) => kv[0])).toEqual([1, 1, 1, 1, 2, 2, 3, 3]);
  });
});

describe('cogroup and joins', () => {
  const left = () =>
    sc.parallelize(
      [
        ['a', 1],
        ['a', 2],
        ['b', 3],
      ] as const,
      2,
    );
  const right = () =>
    sc.parallelize(
      [
        ['a', 'x'],
        ['c', 'y'],
      ] as const,
      1,
    );

  it('cogroup gives both sides per key', async () => {
    expect(byKey(await left().cogroup(right()).collect())).toEqual([
      ['a', [[1, 2], ['x']]],
      ['b', [[3], []]],
      ['c', [[], ['y']]],
    ]);
  });

  it('join, leftOuterJoin, rightOuterJoin, fullOuterJoin (a missing side is undefined)', async () => {
    expect(byKey(await left().join(right()).collect())).toEqual([
      ['a', [1, 'x']],
      ['a', [2, 'x']],
    ]);
    expect(byKey(await left().leftOuterJoin(right()).collect())).toEqual([
      ['a', [1, 'x']],
      ['a', [2, 'x']],
      ['b', [3, undefined]],
    ]);
    expect(byKey(await left().rightOuterJoin(right()).collect())).toEqual([
      ['a', [1, 'x']],
      ['a', [2, 'x']],
      ['c', [undefined, 'y']],
    ]);
    expect(byKey(await left().fullOuterJoin(right()).collect())).toEqual([
      ['a', [1, 'x']],
      ['a', [2, 'x']],
      ['b', [3, undefined]],
      ['c', [undefined, 'y']],
    ]);
  });

  it('without numPartitions, as many partitions as the larger side', () => {
    expect(left().join(right()).getNumPartitions()).toBe(2);
    expect(left().join(right(), 5).getNumPartitions()).toBe(5);
  });

  it('without numPartitions, reuses a partitioner unless it is 10 times too small', () => {
    const partitioned = (n: number) => left().partitionBy(new HashPartitioner(n));
    const wide = (n: number) => sc.parallelize<readonly [string, string]>([['a', 'w']], n);
    // Spark's defaultPartitioner: the existing partitioner is kept when within a factor of 10.
    expect(partitioned(3).join(wide(20)).getNumPartitions()).toBe(3);
    expect(partitioned(3).join(wide(20)).partitioner?.equals(new HashPartitioner(3))).toBe(true);
    // 1 partition against 20 is not: a HashPartitioner of the largest input's count is used.
    expect(partitioned(1).join(wide(20)).getNumPartitions()).toBe(20);
  });
});

describe('text files', () => {
  it('saveAsTextFile writes part-00000..., then _SUCCESS; pairs as (k,v)', async () => {
    const out = join(dir, 'saved');
    await sc
      .parallelize(
        [
          ['a', 1],
          ['b', 2],
          ['c', 3],
        ] as const,
        3,
      )
      .saveAsTextFile(out);
    expect((await readdir(out)).sort()).toEqual([
      '_SUCCESS',
      'part-00000',
      'part-00001',
      'part-00002',
    ]);
    expect(await readFile(join(out, 'part-00001'), 'utf8')).toBe('(b,2)\n');
    expect(await readFile(join(out, '_SUCCESS'), 'utf8')).toBe('');
    // textFile reads the directory back, skipping _SUCCESS.
    expect(await sc.textFile(out).collect()).toEqual(['(a,1)', '(b,2)', '(c,3)']);
  });

  it('saveAsTextFile refuses an existing directory', async () => {
    const out = join(dir, 'existing');
    await mkdir(out);
    const e = await failureOf(sc.parallelize([1], 1).saveAsTextFile(out));
    expect(e.code).toBe('DSTREAM_ERR_OUTPUT_PATH');
    expect(e.message).toContain(`Output directory ${out} already exists`);
  });

  it('saveAsTextFile of an empty partition writes an empty part file', async () => {
    const out = join(dir, 'sparse');
    await sc.parallelize([1], 2).saveAsTextFile(out);
    expect(await readFile(join(out, 'part-00000'), 'utf8')).toBe('');
    expect(await readFile(join(out, 'part-00001'), 'utf8')).toBe('1\n');
  });

  it('saveAsTextFiles writes each batch into prefix-<ms>[.suffix], replacing what is there', async () => {
    const prefix = join(dir, 'stream');
    await mkdir(`${prefix}-2000.txt`);
    await writeFile(join(`${prefix}-2000.txt`, 'stale'), 'old');
    await runBatches({
      inputs: [[['a', 'b'], ['c']]],
      numBatches: 2,
      build: (_ssc, [s]) => {
        s!.saveAsTextFiles(prefix, 'txt');
        return s!;
      },
    });
    expect((await readdir(`${prefix}-1000.txt`)).sort()).toEqual([
      '_SUCCESS',
      'part-00000',
      'part-00001',
    ]);
    expect((await readdir(`${prefix}-2000.txt`)).sort()).toEqual([
      '_SUCCESS',
      'part-00000',
      'part-00001',
    ]);
    expect(await sc.textFile(`${prefix}-1000.txt`).collect()).toEqual(['a', 'b']);
    expect(await sc.textFile(`${prefix}-2000.txt`).collect()).toEqual(['c']);
  });

  it('textFile splits lines on \\n, \\r\\n and \\r, into minPartitions by position', async () => {
    const file = join(dir, 'lines.txt');
    await writeFile(file, 'one\r\ntwo\nthree\rfour\n');
    const rdd = sc.textFile(file, 2);
    expect(await rdd.glom().collect()).toEqual([
      ['one', 'two'],
      ['three', 'four'],
    ]);
  });

  it('textFile of a missing path fails with Spark’s message when an action runs', async () => {
    const missing = join(dir, 'no-such-file');
    const rdd = sc.textFile(missing);
    const e = await failureOf(rdd.collect());
    expect(e.code).toBe('DSTREAM_ERR_INPUT_PATH');
    expect(e.message).toContain(`Input path does not exist: ${missing}`);
  });
});

describe('print', () => {
  let printed = '';
  const dashes = '-'.repeat(43);

  const capture = () =>
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      printed += String(chunk);
      return true;
    });

  afterEach(() => {
    vi.restoreAllMocks();
    printed = '';
  });

  it('writes Spark’s exact block, "..." only when there are more, even for an empty batch', async () => {
    capture();
    await runBatches({
      inputs: [
        [
          [
            ['hello', 1],
            ['world', 1],
            ['again', 2],
          ],
          [
            ['a', 1],
            ['b', 2],
          ],
          [],
        ],
      ],
      numBatches: 3,
      build: (_ssc, [s]) => {
        s!.print(2);
        return s!;
      },
    });
    expect(printed).toBe(
      [
        dashes,
        'Time: 1000 ms',
        dashes,
        '(hello,1)',
        '(world,1)',
        '...',
        '',
        dashes,
        'Time: 2000 ms',
        dashes,
        '(a,1)',
        '(b,2)',
        '',
        dashes,
        'Time: 3000 ms',
        dashes,
        '',
        '',
      ].join('\n'),
    );
  });

  it('prints ten by default; strings bare, nested pairs as (k,(a,b))', async () => {
    capture();
    const eleven = Array.from({ length: 11 }, (_, i) => `w${i}`);
    await runBatches({
      inputs: [[eleven]],
      numBatches: 1,
      build: (_ssc, [s]) => {
        s!.print();
        s!.map((w) => [w, [w.length, 'x']] as const).print(1);
        return s!;
      },
    });
    const expected = [
      dashes,
      'Time: 1000 ms',
      dashes,
      ...eleven.slice(0, 10),
      '...',
      '',
      dashes,
      'Time: 1000 ms',
      dashes,
      '(w0,(2,x))',
      '...',
      '',
      '',
    ].join('\n');
    expect(printed).toBe(expected);
  });
});
