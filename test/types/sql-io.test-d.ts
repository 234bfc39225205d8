// Type tests of what moves data out of and around dstream/sql: df.rdd/toRDD(), toDF, sqlStream and
// df.write. toDF and sqlStream are functions (an integration attaches nothing to RDD or DStream).
import { expectTypeOf } from 'vitest';
import type { DStream, RDD, SparkContext } from 'dstream';
import {
  DataFrame,
  DataFrameWriter,
  SparkSession,
  sqlStream,
  toDF,
  type ResultRow,
  type SaveMode,
} from 'dstream/sql';

declare const sc: SparkContext;
declare const pairs: RDD<readonly [string, number]>;
declare const words: RDD<string>;
declare const orders: DStream<{ province: string; amount: number }>;
declare const lines: DStream<string>;

const spark = SparkSession.builder().sparkContext(sc).getOrCreate();
expectTypeOf(spark.sparkContext).toEqualTypeOf<SparkContext>();
const df = spark.sql('SELECT 1 AS one');
expectTypeOf(df.rdd).toEqualTypeOf<RDD<ResultRow>>();
expectTypeOf(df.toRDD()).toEqualTypeOf<RDD<ResultRow>>();
expectTypeOf(df.rdd.map((row) => row.one)).toEqualTypeOf<RDD<unknown>>();

expectTypeOf(toDF(pairs, 'word', 'total')).toEqualTypeOf<DataFrame>();
expectTypeOf(toDF(sc.parallelize([{ a: 1 }]))).toEqualTypeOf<DataFrame>();
// @ts-expect-error -- toDF takes an RDD of rows (arrays or objects), not of strings
toDF(words, 'word');
// The core RDD has no toDF method: dstream/sql's toDF(rdd) is the way.
expectTypeOf(pairs).not.toHaveProperty('toDF');

const totals = sqlStream(
  orders,
  'orders',
  'SELECT province, sum(amount) AS total FROM orders GROUP BY province',
);
expectTypeOf(totals).toEqualTypeOf<DStream<ResultRow>>();
expectTypeOf(
  sqlStream(orders, 'orders', 'SELECT * FROM orders', 'province STRING, amount DOUBLE'),
).toEqualTypeOf<DStream<ResultRow>>();
// @ts-expect-error -- a stream of strings is not a stream of rows: map each to [line] first
sqlStream(lines, 'lines', 'SELECT * FROM lines');
// The core DStream has no sql method: sqlStream(stream, ...) is the way.
expectTypeOf(orders).not.toHaveProperty('sql');

expectTypeOf(df.write).toEqualTypeOf<DataFrameWriter>();
expectTypeOf(
  df.write.mode('overwrite').partitionBy('province').option('compression', 'zstd').parquet('/o'),
).toEqualTypeOf<Promise<void>>();
expectTypeOf(df.write.option('header', true).csv('/o')).toEqualTypeOf<Promise<void>>();
expectTypeOf(df.write.format('json').save('/o')).toEqualTypeOf<Promise<void>>();
expectTypeOf<'errorifexists'>().toExtend<SaveMode>();
// @ts-expect-error -- not one of Spark's save modes
df.write.mode('upsert');
