// DataFrames and RDDs both ways: `df.rdd` (`toRDD()`) hands SQL results on to RDD operations, and
// `rdd.toDF(...colNames)` (and `toDF(rdd, ...colNames)`, the same as a function) is Spark's on an
// RDD of tuples or objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DStreamError, SparkContext } from 'dstream';
import { runBatches } from 'dstream/testing';
import { SparkSession, toDF } from 'dstream/sql';

let sc: SparkContext;
beforeAll(() => {
  sc = new SparkContext({ master: 'local[3]', appName: 'sql-rdd' });
});
afterAll(async () => {
  await SparkSession.getActiveSession()?.stop();
  await sc.stop();
});

describe('df.rdd', () => {
  it("is the query's rows as plain objects, for RDD operations", async () => {
    const spark = SparkSession.builder().getOrCreate();
    spark
      .createDataFrame(
        sc.parallelize(
          [
            ['gd', 3],
            ['gd', 4],
            ['bj', 5],
          ] as const,
          2,
        ),
        'p STRING, n INT',
      )
      .createOrReplaceTempView('orders');
    const df = spark.sql('SELECT p, sum(n) AS total FROM orders GROUP BY p ORDER BY p');
    const rdd = df.rdd;
    expect(df.toRDD()).toBe(rdd);
    // Partitions as the context's default parallelism, rows cut by position.
    expect(rdd.getNumPartitions()).toBe(3);
    expect(await rdd.collect()).toEqual([
      { p: 'bj', total: 5 },
      { p: 'gd', total: 7 },
    ]);
    const doubled = rdd.map((row) => [row.p as string, (row.total as number) * 2] as const);
    expect(new Map(await doubled.collect())).toEqual(
      new Map([
        ['bj', 10],
        ['gd', 14],
      ]),
    );
  });

  it('runs the query when a job first reads it, not when it is made', async () => {
    const spark = SparkSession.builder().getOrCreate();
    spark.createDataFrame([{ x: 1 }]).createOrReplaceTempView('late');
    const rdd = spark.sql('SELECT x FROM late').rdd;
    // Replaced before any job: the RDD reads the view as it is when its job runs.
    spark.createDataFrame(sc.parallelize([{ x: 9 }]), 'x INT').createOrReplaceTempView('late');
    expect(await rdd.collect()).toEqual([{ x: 9 }]);
  });

  it('flows from SQL in foreachRDD on into the batch', async () => {
    const totals: unknown[] = [];
    await runBatches({
      inputs: [[['a', 'b', 'a'], ['c']]],
      numBatches: 2,
      build: (_ssc, [words]) => {
        words!.foreachRDD(async (rdd) => {
          const spark = SparkSession.builder().config(rdd.sparkContext.getConf()).getOrCreate();
          spark
            .createDataFrame(
              rdd.map((w) => [w] as const),
              'word STRING',
            )
            .createOrReplaceTempView('w');
          const counts = spark.sql('SELECT word, count(*) AS n FROM w GROUP BY word').rdd;
          totals.push(await counts.map((r) => r.n as number).reduce((a, b) => a + b));
        });
        return words!;
      },
    });
    expect(totals).toEqual([3, 1]);
  });

  it('needs a SparkContext: one from an RDD given to the session, or builder().sparkContext(sc)', async () => {
    await SparkSession.getActiveSession()?.stop();
    const fresh = SparkSession.builder().getOrCreate();
    const read = () => fresh.sql('SELECT 1 AS one').rdd;
    expect(read).toThrow(DStreamError);
    expect(read).toThrow('builder().sparkContext(sc)');
    const spark = SparkSession.builder().sparkContext(sc).getOrCreate();
    expect(spark).toBe(fresh);
    expect(spark.sparkContext).toBe(sc);
    expect(await spark.sql('SELECT 1 AS one').rdd.collect()).toEqual([{ one: 1 }]);
  });
});

describe('rdd.toDF', () => {
  it('names the columns of an RDD of tuples, their types inferred', async () => {
    const df = sc
      .parallelize([
        ['a', 2],
        ['b', 5.5],
      ] as const)
      .toDF('word', 'total');
    expect(await df.collect()).toEqual([
      { word: 'a', total: 2 },
      { word: 'b', total: 5.5 },
    ]);
    expect((await df.schema).simpleString()).toBe('struct<word:string,total:double>');
    df.createOrReplaceTempView('named');
    const spark = SparkSession.builder().getOrCreate();
    expect(await spark.sql('SELECT sum(total) AS s FROM named').first()).toEqual({ s: 7.5 });
  });

  it('keeps _1, _2, ... without names, and renames the keys of object rows in order', async () => {
    const pairs = sc.parallelize([[1, 'x']]).toDF();
    expect(await pairs.columns).toEqual(['_1', '_2']);
    const objects = sc.parallelize([{ p: 'gd', n: 1 }]).toDF('province', 'amount');
    expect(await objects.collect()).toEqual([{ province: 'gd', amount: 1 }]);
  });

  it('is the function toDF(rdd, ...colNames) too', async () => {
    const rdd = sc.parallelize([['gd', 3]] as const);
    expect(await toDF(rdd, 'province', 'amount').collect()).toEqual(
      await rdd.toDF('province', 'amount').collect(),
    );
  });

  it("fails as Spark's toDF when the names do not match the columns", async () => {
    const df = sc.parallelize([['a', 1]]).toDF('word');
    await expect(df.collect()).rejects.toThrow(
      "requirement failed: The number of columns doesn't match.\n" +
        'Old column names (2): _1, _2\nNew column names (1): word',
    );
  });
});
