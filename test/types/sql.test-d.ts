// Type tests of dstream/sql: the integration contract of DESIGN.md compiles as written, actions
// resolve to typed results, and what createDataFrame accepts is checked.
import { expectTypeOf } from 'vitest';
import type { DStream } from 'dstream';
import {
  col,
  Column,
  DataFrame,
  desc,
  GroupedData,
  lit,
  LongType,
  SparkSession,
  StringType,
  StructType,
  sum,
  when,
  window,
  type DataType,
  type ResultRow,
} from 'dstream/sql';

declare const words: DStream<readonly [string, number]>;
declare const lines: DStream<string>;

words.foreachRDD(async (rdd) => {
  const spark = SparkSession.builder().config(rdd.sparkContext.getConf()).getOrCreate();
  const df = spark.createDataFrame(rdd, 'word STRING, total BIGINT');
  expectTypeOf(df).toEqualTypeOf<DataFrame>();
  df.createOrReplaceTempView('words');
  await spark.sql('SELECT word, total FROM words ORDER BY total DESC').show();
  expectTypeOf(spark.sql('SELECT 1').collect()).resolves.toEqualTypeOf<ResultRow[]>();
  expectTypeOf(spark.table('words').count()).resolves.toEqualTypeOf<number>();
  expectTypeOf(df.first()).resolves.toEqualTypeOf<ResultRow>();
  expectTypeOf(df.schema).resolves.toEqualTypeOf<StructType>();
  expectTypeOf(df.show(5, 10, true)).resolves.toEqualTypeOf<void>();
});

const spark = SparkSession.builder()
  .appName('types')
  .config('spark.sql.session.timeZone', 'UTC')
  .getOrCreate();
spark.createDataFrame([{ a: 1 }, { a: 2 }]);
spark.createDataFrame([[1, 'x']], new StructType().add('n', LongType).add('s', StringType));
expectTypeOf(LongType).toExtend<DataType>();

lines.foreachRDD((rdd) => {
  // @ts-expect-error -- a row is a plain object or an array, not a string
  spark.createDataFrame(rdd);
});
// @ts-expect-error -- show's truncate is a boolean or a width
void spark.sql('SELECT 1').show(20, 'yes');
// @ts-expect-error -- a schema is DDL text or a StructType
spark.createDataFrame([{ a: 1 }], ['a']);

// The DSL: Columns and functions as Spark's, transformations returning DataFrames, GroupedData.
{
  const df = spark.createDataFrame([{ word: 'a', total: 2, at: new Date(0) }]);
  expectTypeOf(col('total').plus(1).alias('next')).toEqualTypeOf<Column>();
  expectTypeOf(df.select('word', col('total'))).toEqualTypeOf<DataFrame>();
  expectTypeOf(df.groupBy('word')).toEqualTypeOf<GroupedData>();
  expectTypeOf(
    df.groupBy(window(col('at'), '1 minute')).agg(sum('total')),
  ).toEqualTypeOf<DataFrame>();
  expectTypeOf(df.join(df, 'word', 'left_anti')).toEqualTypeOf<DataFrame>();
  expectTypeOf(df.join(df, df.col('word').equalTo(lit('a')))).toEqualTypeOf<DataFrame>();
  expectTypeOf(when(col('total').gt(1), 'big').otherwise(null)).toEqualTypeOf<Column>();
  expectTypeOf(
    df.where('total > 1').orderBy(desc('total')).limit(1).collect(),
  ).resolves.toEqualTypeOf<ResultRow[]>();
  // @ts-expect-error -- a literal is not a Column for agg: aggregates are Columns
  df.groupBy('word').agg('total');
  // @ts-expect-error -- a column value is a literal or a Column, not an object
  col('total').plus({ n: 1 });
}
