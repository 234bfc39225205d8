// The DSL against what Apache Spark SQL 3.5.7 printed for the same queries over the same tables
// (test/fixtures/spark-dsl, recorded by bench/spark/src/SparkDslFixtures.java): Spark's generated
// column names (`sum(quantity)`, `count(1)`, `(price + 1)`, `window`) and its rows, byte for byte
// as show(100, false) prints them. Each query here has the name of its twin in the Java program.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asc,
  avg,
  coalesce,
  col,
  concat,
  count,
  countDistinct,
  date_format,
  desc,
  length,
  lit,
  lower,
  max,
  mean,
  min,
  parseDDL,
  round,
  SparkSession,
  sum,
  upper,
  when,
  window,
  type DataFrame,
  type Row,
} from 'dstream/sql';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'spark-dsl');

interface Table {
  schema: string;
  rows: Record<string, unknown>[];
}

let spark: SparkSession;
let orders: DataFrame;
let provinces: DataFrame;
let weird: DataFrame;
let events: DataFrame;

/** A table of tables.json as createDataFrame takes it: timestamps as Dates. */
function tableOf(table: Table): DataFrame {
  const schema = parseDDL(table.schema);
  const rows: Row[] = table.rows.map((row) =>
    Object.fromEntries(
      schema.fields.map((f) => {
        const v = row[f.name] ?? null;
        return [
          f.name,
          f.dataType.typeName === 'timestamp' && v !== null ? new Date(v as string) : v,
        ];
      }),
    ),
  );
  return spark.createDataFrame(rows, table.schema);
}

beforeAll(() => {
  spark = SparkSession.builder().config('spark.sql.session.timeZone', 'UTC').getOrCreate();
  const { tables } = JSON.parse(readFileSync(join(FIXTURES, 'tables.json'), 'utf8')) as {
    tables: Record<string, Table>;
  };
  orders = tableOf(tables.orders!);
  provinces = tableOf(tables.provinces!);
  weird = tableOf(tables.weird!);
  events = tableOf(tables.events!);
});
afterAll(() => spark.stop());

const JOIN_TYPES = ['inner', 'left', 'right', 'full', 'left_semi', 'left_anti'];
const ON_JOIN_TYPES = ['inner', 'left', 'right', 'outer', 'left_semi', 'left_anti'];

/** The queries of SparkDslFixtures.java, by name, in TypeScript. */
const queries: Record<string, () => DataFrame> = {
  group_count: () => orders.groupBy('province').count().orderBy('province'),
  group_agg: () =>
    orders
      .groupBy(col('province'))
      .agg(
        sum('quantity'),
        avg('price'),
        mean(col('quantity')),
        count('*'),
        count(col('city')),
        min('price'),
        max('price'),
        countDistinct('city'),
      )
      .orderBy('province'),
  group_sum_names: () => orders.groupBy('province').sum('quantity', 'price').orderBy('province'),
  group_avg_all: () => orders.groupBy('province').avg().orderBy('province'),
  group_max_min: () => orders.groupBy('city').max('price').orderBy('city'),
  agg_global: () => orders.agg(sum('quantity'), max('price'), count(lit(1))),
  group_alias: () =>
    orders.groupBy('province').agg(sum('quantity').alias('total')).orderBy(desc('total')),
  select_arithmetic: () =>
    orders
      .select(
        col('id'),
        col('price').plus(1),
        col('price').minus(lit(1)),
        col('quantity').multiply(2),
        col('price').divide(col('quantity')),
        col('quantity').mod(3),
        lit(1),
        lit('x'),
        lit(2.5),
        lit(true),
      )
      .orderBy('id'),
  select_comparisons: () =>
    orders
      .select(
        col('id'),
        col('quantity').equalTo(1),
        col('city').eqNullSafe(lit(null)),
        col('quantity').notEqual(1),
        col('price').gt(5),
        col('price').geq(8),
        col('price').lt(5),
        col('price').leq(3),
      )
      .orderBy('id'),
  select_logic: () =>
    orders
      .select(
        col('id'),
        col('price').gt(5).and(col('quantity').gt(1)),
        col('price').gt(50).or(col('quantity').gt(5)),
        col('price').gt(5).not(),
        col('city').isNull(),
        col('price').isNotNull(),
        col('province').isin('Zhejiang', 'Sichuan'),
        col('city').like('%zhou'),
      )
      .orderBy('id'),
  select_functions: () =>
    orders
      .select(
        col('id'),
        upper(col('city')),
        lower(col('province')),
        length(col('city')),
        round(col('price')),
        round(col('price'), 1),
        coalesce(col('city'), lit('none')),
        concat(col('province'), lit('/'), col('city')),
        col('quantity').cast('bigint'),
        col('price').cast('string'),
        col('price').cast('int'),
      )
      .orderBy('id'),
  select_when: () =>
    orders
      .select(
        col('id'),
        when(col('price').gt(10), 'high').when(col('price').gt(5), 'mid').otherwise('low'),
        when(col('quantity').geq(3), lit(1)),
      )
      .orderBy('id'),
  select_names: () => orders.select('id', 'city').orderBy(col('id').desc()),
  select_alias: () =>
    orders
      .select(col('id').as('order_id'), col('price').multiply(col('quantity')).alias('total'))
      .orderBy('order_id'),
  select_expr: () =>
    orders.selectExpr('id', 'price * 2 AS double_price', 'quantity + 1 AS q').orderBy('id'),
  where_column: () =>
    orders.where(col('price').gt(5).and(col('province').equalTo('Zhejiang'))).orderBy('id'),
  filter_string: () => orders.filter('quantity > 1').select('id', 'quantity').orderBy('id'),
  order_desc_nulls: () => orders.select('id', 'price').orderBy(desc('price'), asc('id')),
  order_asc_nulls: () => orders.select('id', 'city').orderBy(asc('city'), col('id')),
  limit: () => orders.orderBy('id').limit(3).select('id'),
  with_columns: () =>
    orders
      .withColumn('total', col('price').multiply(col('quantity')))
      .withColumn('price', round(col('price'), 0))
      .withColumnRenamed('city', 'town')
      .withColumnRenamed('nothing', 'else')
      .drop('ts', 'nothing')
      .orderBy('id'),
  distinct: () => orders.select('province').distinct().orderBy('province'),
  drop_duplicates: () =>
    orders.select('province', 'city').dropDuplicates().orderBy('province', 'city'),
  drop_duplicates_subset: () =>
    orders.dropDuplicates('province').select('province').orderBy('province'),
  union: () => orders.select('province').union(provinces.select('province')).orderBy('province'),
  union_by_name: () =>
    provinces
      .select('region', 'province')
      .unionByName(provinces.select('province', 'region'))
      .orderBy('province', 'region'),
  ...Object.fromEntries(
    JOIN_TYPES.map((how) => [
      `join_using_${how}`,
      () =>
        orders
          .select('id', 'province')
          .join(provinces, 'province', how)
          .orderBy(col('province'), col('id')),
    ]),
  ),
  join_using_list: () =>
    orders
      .select('id', 'province')
      .join(provinces, ['province'], 'outer')
      .orderBy(col('province'), col('id')),
  ...Object.fromEntries(
    ON_JOIN_TYPES.map((how) => [
      `join_on_${how}`,
      () => {
        const regions = provinces.withColumnRenamed('province', 'p');
        return orders
          .select('id', 'province')
          .join(regions, orders.col('province').equalTo(regions.col('p')), how)
          .orderBy(col('id'));
      },
    ]),
  ),
  join_on_same_names: () =>
    orders
      .select('id', 'province')
      .join(provinces, orders.col('province').equalTo(provinces.col('province')), 'left')
      .orderBy(orders.col('id')),
  join_cross: () =>
    provinces
      .select('region')
      .distinct()
      .crossJoin(provinces.select('province'))
      .orderBy('region', 'province'),
  window_tumbling: () =>
    orders
      .groupBy(window(col('ts'), '1 minute'))
      .agg(sum('quantity'), count('*'))
      .orderBy('window'),
  window_sliding: () =>
    orders
      .groupBy(window(col('ts'), '1 minute', '30 seconds'), col('province'))
      .count()
      .orderBy('window', 'province'),
  window_start_time: () =>
    orders
      .groupBy(window(col('ts'), '1 minute', '1 minute', '15 seconds'))
      .count()
      .orderBy('window'),
  window_fields: () =>
    orders
      .groupBy(window(col('ts'), '2 minutes'))
      .agg(sum('quantity').alias('q'))
      .select(col('window.start'), col('window').getField('end'), col('q'))
      .orderBy('start'),
  window_null_ts: () =>
    events
      .groupBy(window(col('ts'), '1 minute'))
      .agg(sum('n'), count('*'))
      .orderBy('window'),
  window_null_ts_sliding: () =>
    events
      .groupBy(window(col('ts'), '1 minute', '20 seconds'))
      .agg(sum('n'))
      .orderBy('window'),
  window_select: () => events.select(col('n'), window(col('ts'), '30 seconds')).orderBy('n'),
  date_format: () =>
    orders.select(col('id'), date_format(col('ts'), 'yyyy-MM-dd HH:mm')).orderBy('id'),
  escaping: () =>
    weird
      .select(col('first name'), col("it's").plus(1), col('say "hi"'), lit("it's"))
      .where(col('first name').notEqual('Zoë').or(col('first name').isNull()))
      .orderBy(col("it's")),
  escaping_group: () => weird.groupBy('say "hi"').agg(max("it's")).orderBy('say "hi"'),
};

it('has a query for every recording, and a recording for every query', () => {
  const recorded = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.txt') && !f.startsWith('unresolved'))
    .map((f) => f.slice(0, -4));
  expect(Object.keys(queries).sort()).toEqual(recorded.sort());
});

describe.each(Object.entries(queries).map(([name, query]) => ({ name, query })))(
  '$name',
  ({ name, query }) => {
    it('prints what Spark prints', async () => {
      const printed = (await query().showString(100, false)) + '\n';
      expect(printed).toBe(readFileSync(join(FIXTURES, `${name}.txt`), 'utf8'));
    });
  },
);

it('fails on an unknown column as Spark does, with the closest columns that exist', async () => {
  const recorded = readFileSync(join(FIXTURES, 'unresolved_column.txt'), 'utf8');
  const error = await orders
    .select(col('id'), col('prise'))
    .collect()
    .then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
  expect(error?.code).toBe('DSTREAM_ERR_SQL_UNRESOLVED_COLUMN');
  // Spark lists the columns of equal distance in its hash set's order: compare them as a set.
  const suggestions = (text: string): string[] => /\[(`.*`)\]/.exec(text)![1]!.split(', ').sort();
  const prefix = (text: string): string => text.slice(text.indexOf('['), text.indexOf('? [') + 1);
  expect(prefix(error!.message)).toBe(prefix(recorded));
  expect(suggestions(error!.message)).toEqual(suggestions(recorded));
  expect(error!.message).toContain('one of the following? [`price`,');
});
