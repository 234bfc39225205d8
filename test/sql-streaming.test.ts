// SQL over batches, as Spark's SqlNetworkWordCount does it: in foreachRDD, the lazily created
// session, the batch as a DataFrame, a temporary view, SQL. What SQL answers per batch (and per
// window) equals the same aggregation done with DStream operations on the same batches.
import { afterAll, describe, expect, it } from 'vitest';
import { Seconds, type RDD } from 'dstream';
import { runBatches } from 'dstream/testing';
import { SparkSession } from 'dstream/sql';

const lines = [['a b a', 'c'], ['b b', 'c a', 'd'], [], ['a', 'a a a b'], ['e']];

type Counts = Record<string, number>;

/** A batch's [word, count] pairs as one object, for comparing whatever order they come in. */
const asCounts = (pairs: readonly (readonly [string, number])[]): Counts =>
  Object.fromEntries([...pairs].sort(([a], [b]) => a.localeCompare(b)));

/** The session of the batch, as Spark's example gets it: from the RDD's context, every time. */
async function wordCountsBySql(rdd: RDD<string>, view: string): Promise<Counts> {
  const spark = SparkSession.builder().config(rdd.sparkContext.getConf()).getOrCreate();
  const words = spark.createDataFrame(
    rdd.map((w) => [w] as const),
    'word STRING',
  );
  words.createOrReplaceTempView(view);
  const rows = await spark
    .sql(`SELECT word, count(*) AS total FROM ${view} GROUP BY word ORDER BY word`)
    .collect();
  return Object.fromEntries(rows.map((r) => [r.word as string, r.total as number]));
}

afterAll(() => SparkSession.getActiveSession()?.stop());

describe('SQL in foreachRDD', () => {
  it('counts each batch as reduceByKey does', async () => {
    const bySql: Counts[] = [];
    const byDStream = await runBatches({
      inputs: [lines],
      partitions: 2,
      numBatches: lines.length,
      build: (_ssc, [input]) => {
        const words = input!.flatMap((l: string) => l.split(' '));
        words.foreachRDD(async (rdd) => {
          bySql.push(await wordCountsBySql(rdd, 'words'));
        });
        return words.map((w) => [w, 1] as const).reduceByKey((a, b) => a + b);
      },
    });
    expect(bySql).toEqual(byDStream.map(asCounts));
    expect(bySql[0]).toEqual({ a: 2, b: 1, c: 1 });
    expect(bySql[2]).toEqual({});
  });

  it('counts each window as reduceByKeyAndWindow does', async () => {
    const bySql: Counts[] = [];
    const byDStream = await runBatches({
      inputs: [lines],
      partitions: 2,
      numBatches: lines.length,
      build: (_ssc, [input]) => {
        const words = input!.flatMap((l: string) => l.split(' '));
        words.window(Seconds(3), Seconds(1)).foreachRDD(async (rdd) => {
          bySql.push(await wordCountsBySql(rdd, 'window_words'));
        });
        return words
          .map((w) => [w, 1] as const)
          .reduceByKeyAndWindow((a, b) => a + b, Seconds(3), Seconds(1));
      },
    });
    expect(bySql).toEqual(byDStream.map(asCounts));
    expect(bySql[3]).toEqual({ a: 5, b: 3, c: 1, d: 1 });
  });
});
