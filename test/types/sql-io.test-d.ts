// Type tests of what moves data out of and around dstream/sql: df.rdd/toRDD(), rdd.toDF (and the
// function toDF), stream.sql (and sqlStream) and df.write. rdd.toDF's type is a DataFrame because
// this program imports dstream/sql (test/package.test.ts checks it is not without it).
import { expectTypeOf } from 'vitest';
import type { DStream, RDD, SparkContext } from 'dstream';
import {
  DataFrame,
  DataFrameWriter,
  SparkSession,
  StringType,
  StructType,
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
// Spark's rdd.toDF, the method, once dstream/sql is in the program (its implicits).
expectTypeOf(pairs.toDF('word', 'total')).toEqualTypeOf<DataFrame>();
expectTypeOf(sc.parallelize([{ a: 1 }]).toDF()).toEqualTypeOf<DataFrame>();
// @ts-expect-error -- toDF is for RDDs of rows (arrays or objects), not of strings
words.toDF('word');

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
// stream.sql, the method.
expectTypeOf(
  orders.sql('orders', 'SELECT province, sum(amount) AS total FROM orders GROUP BY province'),
).toEqualTypeOf<DStream<ResultRow>>();
expectTypeOf(
  orders.sql('orders', 'SELECT * FROM orders', new StructType().add('province', StringType)),
).toEqualTypeOf<DStream<ResultRow>>();
// @ts-expect-error -- a stream of strings is not a stream of rows: map each to [line] first
lines.sql('lines', 'SELECT * FROM lines');

expectTypeOf(df.write).toEqualTypeOf<DataFrameWriter>();
expectTypeOf(
  df.write.mode('overwrite').partitionBy('province').option('compression', 'zstd').parquet('/o'),
).toEqualTypeOf<Promise<void>>();
expectTypeOf(df.write.option('header', true).csv('/o')).toEqualTypeOf<Promise<void>>();
expectTypeOf(df.write.format('json').save('/o')).toEqualTypeOf<Promise<void>>();
expectTypeOf<'errorifexists'>().toExtend<SaveMode>();
// @ts-expect-error -- not one of Spark's save modes
df.write.mode('upsert');
