// Spark's StorageLevel and persist(level), rdd.top / takeOrdered, and rdd.toDebugString's lineage
// format, against Spark's documented behaviour.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DStreamError, Seconds, SparkContext, StorageLevel, type DStream } from 'dstream';
import { runBatches } from 'dstream/testing';

let sc: SparkContext;
let localDir: string;

beforeAll(async () => {
  localDir = await mkdtemp(join(tmpdir(), 'dstream-storage-'));
  sc = new SparkContext({
    master: 'local[2]',
    appName: 'storage',
    conf: { 'spark.local.dir': localDir },
  });
});

afterAll(async () => {
  await sc.stop();
  await rm(localDir, { recursive: true, force: true });
});

describe('StorageLevel', () => {
  it("has Spark's levels, flags, descriptions and names", () => {
    expect(StorageLevel.MEMORY_ONLY.description).toBe('Memory Deserialized 1x Replicated');
    expect(StorageLevel.MEMORY_ONLY_SER_2.description).toBe('Memory Serialized 2x Replicated');
    expect(StorageLevel.MEMORY_AND_DISK.description).toBe('Disk Memory Deserialized 1x Replicated');
    expect(StorageLevel.DISK_ONLY_3.description).toBe('Disk Serialized 3x Replicated');
    expect(StorageLevel.OFF_HEAP.description).toBe(
      'Disk Memory (off heap) Serialized 1x Replicated',
    );
    expect(StorageLevel.MEMORY_AND_DISK_SER_2.toString()).toBe(
      'StorageLevel(disk, memory, 2 replicas)',
    );
    expect(StorageLevel.MEMORY_ONLY.toString()).toBe(
      'StorageLevel(memory, deserialized, 1 replicas)',
    );
    expect(StorageLevel.NONE.isValid).toBe(false);
    expect(StorageLevel.fromString('MEMORY_AND_DISK_SER_2')).toBe(
      StorageLevel.MEMORY_AND_DISK_SER_2,
    );
    expect(() => StorageLevel.fromString('MEMORY')).toThrow('Invalid StorageLevel: MEMORY');
  });
});

describe('RDD.persist(level)', () => {
  it('is MEMORY_ONLY for persist() and cache(), NONE when not persisted or after unpersist', () => {
    const rdd = sc.parallelize([1, 2, 3]);
    expect(rdd.getStorageLevel()).toBe(StorageLevel.NONE);
    expect(rdd.cache().getStorageLevel()).toBe(StorageLevel.MEMORY_ONLY);
    expect(rdd.unpersist().getStorageLevel()).toBe(StorageLevel.NONE);
    expect(rdd.persist(StorageLevel.DISK_ONLY).getStorageLevel()).toBe(StorageLevel.DISK_ONLY);
  });

  it("throws Spark's error when the level of a persisted RDD changes, and not for the same level", () => {
    const rdd = sc.parallelize([1]).persist(StorageLevel.MEMORY_ONLY_SER);
    expect(() => rdd.persist(StorageLevel.MEMORY_ONLY_SER)).not.toThrow();
    let error: unknown;
    try {
      rdd.persist(StorageLevel.MEMORY_AND_DISK);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DStreamError);
    expect((error as DStreamError).code).toBe('DSTREAM_ERR_STORAGE_LEVEL_CHANGED');
    expect((error as DStreamError).message).toMatch(
      /^Cannot change storage level of an RDD after it was already assigned a level/,
    );
  });

  it('computes each partition once at every level, memory levels keeping the records themselves', async () => {
    for (const level of [
      StorageLevel.MEMORY_ONLY,
      StorageLevel.MEMORY_ONLY_SER,
      StorageLevel.MEMORY_AND_DISK,
      StorageLevel.DISK_ONLY,
      StorageLevel.OFF_HEAP,
    ]) {
      let computed = 0;
      const rdd = sc
        .parallelize([1, 2, 3, 4], 2)
        .map((x) => {
          computed++;
          return { x };
        })
        .persist(level);
      const first = await rdd.collect();
      const second = await rdd.collect();
      expect(second, level.description).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }]);
      expect(computed, level.description).toBe(4);
      // Deserialized levels give the stored records; serialized ones a fresh copy at each read.
      expect(second[0] === first[0], level.description).toBe(level.deserialized);
      rdd.unpersist();
    }
  });

  it('DISK_ONLY writes partitions under spark.local.dir and unpersist deletes them', async () => {
    const rdd = sc.parallelize(['a', 'b', 'c'], 3).persist(StorageLevel.DISK_ONLY);
    await rdd.count();
    const [dir] = readdirSync(localDir).filter((d) => d.startsWith('dstream-blockmgr-'));
    expect(readdirSync(join(localDir, dir!)).sort()).toEqual([
      `rdd_${rdd.id}_0`,
      `rdd_${rdd.id}_1`,
      `rdd_${rdd.id}_2`,
    ]);
    expect(await rdd.collect()).toEqual(['a', 'b', 'c']);
    rdd.unpersist();
    expect(readdirSync(join(localDir, dir!))).toEqual([]);
  });

  it('a serialized level refuses records that are not plain data, as Spark refuses unserialisable ones', async () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const rdd = sc
      .parallelize([1, 2])
      .map((x) => new Point(x))
      .persist(StorageLevel.MEMORY_ONLY_SER);
    await expect(rdd.collect()).rejects.toMatchObject({
      code: 'DSTREAM_ERR_NOT_SERIALIZABLE',
      message: expect.stringContaining('holds a Point') as string,
    });
    expect(await rdd.unpersist().persist(StorageLevel.MEMORY_ONLY).count()).toBe(2);
  });
});

describe('DStream.persist(level)', () => {
  it('persists every generated RDD at its level; windows persist their parent', async () => {
    const levels: string[] = [];
    await runBatches({
      inputs: [[[1, 2], [3]]],
      numBatches: 2,
      build: (_ssc, [s]) => {
        const mapped = (s as DStream<number>)
          .map((x) => x * 2)
          .persist(StorageLevel.MEMORY_ONLY_SER);
        expect(mapped.getStorageLevel()).toBe(StorageLevel.MEMORY_ONLY_SER);
        const windowed = mapped.map((x) => x + 1);
        windowed.window(Seconds(2)).persist(StorageLevel.MEMORY_AND_DISK);
        expect(windowed.getStorageLevel()).toBe(StorageLevel.MEMORY_AND_DISK);
        return mapped.transform((rdd) => {
          levels.push(rdd.getStorageLevel().description);
          return rdd;
        });
      },
    });
    expect(levels).toEqual(['Memory Serialized 1x Replicated', 'Memory Serialized 1x Replicated']);
  });
});

describe('RDD.top and takeOrdered', () => {
  it("give the largest (smallest) elements first by Spark's natural ordering", async () => {
    const nums = sc.parallelize([10, 4, 2, 12, 3, 12], 3);
    expect(await nums.top(3)).toEqual([12, 12, 10]);
    expect(await nums.takeOrdered(2)).toEqual([2, 3]);
    expect(await nums.top(10)).toEqual([12, 12, 10, 4, 3, 2]);
    expect(await nums.top(0)).toEqual([]);
    // Strings by UTF-16 code units, as Java's compareTo: 'Z' < 'a'.
    expect(await sc.parallelize(['apple', 'Zebra', 'mango'], 2).top(2)).toEqual(['mango', 'apple']);
    // Tuples element by element, as Scala's tuple ordering.
    const pairs = sc.parallelize(
      [
        ['a', 2],
        ['b', 1],
        ['a', 3],
      ] as const,
      2,
    );
    expect(await pairs.top(2)).toEqual([
      ['b', 1],
      ['a', 3],
    ]);
  });

  it('take an ordering', async () => {
    const counts = sc.parallelize(
      [
        ['x', 3],
        ['y', 9],
        ['z', 1],
      ] as const,
      2,
    );
    expect(await counts.top(2, (a, b) => a[1] - b[1])).toEqual([
      ['y', 9],
      ['x', 3],
    ]);
    expect(await counts.takeOrdered(1, (a, b) => a[1] - b[1])).toEqual([['z', 1]]);
  });
});

/** `file:line` of the first line of this file that contains `text` (may span lines). */
function at(text: string): string {
  const source = readFileSync(import.meta.filename, 'utf8');
  const line = source.slice(0, source.indexOf(text)).split('\n').length;
  return `rdd-storage-and-debug.test.ts:${line}`;
}

describe('RDD.toDebugString', () => {
  it("draws the lineage in Spark's format: stages, shuffles, call sites and storage levels", () => {
    const lines = sc.parallelize(['a b', 'b'], 2);
    const counts = lines
      .flatMap((l) => l.split(' '))
      .map((w) => [w, 1] as const)
      .reduceByKey((a, b) => a + b);
    const p = lines.id;
    expect(counts.toDebugString().split('\n')).toEqual([
      `(2) ShuffledRDD[${p + 3}] at reduceByKey at ${at('.reduceByKey((a, b) => a + b);')} []`,
      ` +-(2) MappedRDD[${p + 2}] at map at ${at('.map((w) => [w, 1] as const)\n      .reduceByKey')} []`,
      `    |  FlatMappedRDD[${p + 1}] at flatMap at ${at(".flatMap((l) => l.split(' '))")} []`,
      `    |  ParallelCollectionRDD[${p}] at parallelize at ${at("sc.parallelize(['a b', 'b'], 2)")} []`,
    ]);
  });

  it('shows the storage level of persisted RDDs and a second shuffle one stage deeper', () => {
    const base = sc.parallelize([1, 2, 3], 12).map((x) => [x % 2, x] as const);
    base.setName('numbers').persist(StorageLevel.MEMORY_AND_DISK_SER);
    const grouped = base
      .groupByKey(3)
      .mapValues((vs) => vs.length)
      .reduceByKey((a, b) => a + b, 2);
    const text = grouped.toDebugString();
    expect(
      text
        .split('\n')
        .map((l) => l.replace(/ at \S+:\d+ \[/, ' at X ['))
        .join('\n'),
    ).toBe(
      [
        `(2) ShuffledRDD[${grouped.id}] at reduceByKey at X []`,
        ` +-(3) MappedRDD[${grouped.id - 1}] at mapValues at X []`,
        `    |  ShuffledRDD[${grouped.id - 2}] at groupByKey at X []`,
        `    +-(12) numbers MappedRDD[${base.id}] at map at X [Disk Memory Serialized 1x Replicated]`,
        `       |   ParallelCollectionRDD[${base.id - 1}] at parallelize at X []`,
      ].join('\n'),
    );
  });

  it('labels RDDs a stream generates with the call site of the stream', async () => {
    const texts: string[] = [];
    await runBatches({
      inputs: [[['a', 'b', 'a']]],
      numBatches: 1,
      build: (_ssc, [s]) => {
        const counts = (s as DStream<string>)
          .map((w) => [w, 1] as const)
          .reduceByKey((a, b) => a + b, 2);
        counts.foreachRDD((rdd) => {
          texts.push(rdd.toDebugString());
        });
        return counts;
      },
    });
    expect(texts[0]!.split('\n')[0]).toMatch(
      /^\(2\) ShuffledRDD\[\d+\] at reduceByKey at rdd-storage-and-debug\.test\.ts:\d+ \[\]$/,
    );
  });
});
