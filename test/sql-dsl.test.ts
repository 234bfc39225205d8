// The DataFrame DSL on DuckDB: each transformation gives what the same query in SQL gives,
// window() groups rows as doing it by hand does, names with spaces and quotes work, and a column
// that does not exist fails with a typed error naming it and the columns that do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  avg,
  col,
  count,
  countDistinct,
  desc,
  expr,
  first,
  lit,
  max,
  SparkSession,
  sum,
  when,
  window,
  type DataFrame,
  type ResultRow,
} from 'dstream/sql';

let spark: SparkSession;
let sales: DataFrame;

const SALES = [
  { id: 1, word: 'apple', total: 3, price: 1.5 },
  { id: 2, word: 'pear', total: 1, price: 2.0 },
  { id: 3, word: 'apple', total: 4, price: null },
  { id: 4, word: 'fig', total: 10, price: 0.25 },
  { id: 5, word: 'pear', total: 2, price: 3.5 },
];

beforeAll(() => {
  spark = SparkSession.builder().config('spark.sql.session.timeZone', 'UTC').getOrCreate();
  sales = spark.createDataFrame(SALES, 'id INT, word STRING, total BIGINT, price DOUBLE');
  sales.createOrReplaceTempView('sales');
  spark
    .createDataFrame(
      [
        { word: 'apple', colour: 'red' },
        { word: 'kiwi', colour: 'green' },
      ],
      'word STRING, colour STRING',
    )
    .createOrReplaceTempView('colours');
});
afterAll(() => spark.stop());

/** What an action rejected with. */
async function failure(action: Promise<unknown>): Promise<{ code?: string; message: string }> {
  return action.then(
    () => ({ message: 'no error' }),
    (e: unknown) => e as { code?: string; message: string },
  );
}

describe('the DSL gives what the same query in SQL gives', () => {
  const colours = (): DataFrame => spark.table('colours');
  const cases: [string, () => DataFrame, string][] = [
    [
      'groupBy().agg()',
      () =>
        sales
          .groupBy('word')
          .agg(sum('total').alias('total'), avg('price').alias('price'), count('*').alias('n'))
          .orderBy('word'),
      'SELECT word, sum(total) AS total, avg(price) AS price, count(*) AS n FROM sales GROUP BY word ORDER BY word',
    ],
    [
      'select, where',
      () =>
        sales
          .where(col('total').gt(1).and(col('price').isNotNull()))
          .select(col('id'), col('price').multiply(col('total')).alias('amount'))
          .orderBy(desc('amount')),
      'SELECT id, price * total AS amount FROM sales WHERE total > 1 AND price IS NOT NULL ORDER BY amount DESC',
    ],
    [
      'filter with SQL text, limit',
      () => sales.filter('total >= 2').orderBy('id').limit(2).select('id'),
      'SELECT id FROM sales WHERE total >= 2 ORDER BY id LIMIT 2',
    ],
    [
      'withColumn, when/otherwise',
      () =>
        sales
          .withColumn('size', when(col('total').geq(4), 'big').otherwise('small'))
          .select('id', 'size')
          .orderBy('id'),
      "SELECT id, CASE WHEN total >= 4 THEN 'big' ELSE 'small' END AS size FROM sales ORDER BY id",
    ],
    [
      'distinct',
      () => sales.select('word').distinct().orderBy('word'),
      'SELECT DISTINCT word FROM sales ORDER BY word',
    ],
    [
      'countDistinct, max, first over all rows',
      () => sales.agg(countDistinct('word').alias('words'), max('total').alias('most')),
      'SELECT count(DISTINCT word) AS words, max(total) AS most FROM sales',
    ],
    [
      'left join on a column name',
      () => sales.join(colours(), 'word', 'left').select('id', 'colour').orderBy('id'),
      'SELECT id, colour FROM sales LEFT JOIN colours USING (word) ORDER BY id',
    ],
    [
      'full join on a condition',
      () => {
        const c = colours();
        return sales
          .join(c, sales.col('word').equalTo(c.col('word')), 'full_outer')
          .select(sales.col('id'), col('colour'))
          .orderBy('id', 'colour');
      },
      'SELECT s.id, c.colour FROM sales s FULL JOIN colours c ON s.word = c.word ORDER BY id NULLS FIRST, colour',
    ],
    [
      'union, dropDuplicates',
      () =>
        sales.select('word').union(colours().select('word')).dropDuplicates('word').orderBy('word'),
      'SELECT DISTINCT word FROM (SELECT word FROM sales UNION ALL SELECT word FROM colours) ORDER BY word',
    ],
  ];
  it.each(cases.map(([name, dsl, sql]) => ({ name, dsl, sql })))('$name', async ({ dsl, sql }) => {
    const expected = await spark.sql(sql).collect();
    expect(expected.length).toBeGreaterThan(0);
    expect(await dsl().collect()).toEqual(expected);
  });
});

describe('window() over a timestamp column', () => {
  // Rows every 7 seconds over six minutes: windows of one minute hold 8 or 9 of them.
  const base = Date.UTC(2024, 0, 1, 12, 0, 0);
  const rows = Array.from({ length: 52 }, (_, i) => ({ ts: new Date(base + i * 7000 + 3), n: i }));
  const events = (): DataFrame => spark.createDataFrame(rows, 'ts TIMESTAMP, n BIGINT');

  /** The windows of `rows` done by hand: start → [count, sum of n]. */
  function byHand(windowMs: number, slideMs: number): Map<number, [number, number]> {
    const out = new Map<number, [number, number]>();
    for (const { ts, n } of rows) {
      const t = ts.getTime();
      for (let start = t - (t % slideMs); start > t - windowMs; start -= slideMs) {
        const [c, s] = out.get(start) ?? [0, 0];
        out.set(start, [c + 1, s + n]);
      }
    }
    return out;
  }

  function asMap(result: ResultRow[], windowMs: number): Map<number, [number, number]> {
    return new Map(
      result.map((r) => {
        const w = r.window as { start: Date; end: Date };
        expect(w.end.getTime() - w.start.getTime()).toBe(windowMs);
        return [w.start.getTime(), [r.count, r.total] as [number, number]];
      }),
    );
  }

  it('groups rows into 1-minute windows as doing it by hand does', async () => {
    const result = await events()
      .groupBy(window(col('ts'), '1 minute'))
      .agg(count('*').alias('count'), sum('n').alias('total'))
      .collect();
    expect(result.length).toBe(6);
    expect(asMap(result, 60_000)).toEqual(byHand(60_000, 60_000));
  });

  it('puts a row in every sliding window that holds it', async () => {
    const result = await events()
      .groupBy(window(col('ts'), '1 minute', '20 seconds'))
      .agg(count(lit(1)).alias('count'), sum('n').alias('total'))
      .collect();
    expect(asMap(result, 60_000)).toEqual(byHand(60_000, 20_000));
  });

  it('refuses a duration that is not an interval, and a slide longer than the window', () => {
    expect(() => window(col('ts'), 'soon')).toThrow(/'soon' is not a positive interval/);
    expect(() => window(col('ts'), '10 seconds', '1 minute')).toThrow(
      /must be less than or equal to the window/,
    );
  });
});

describe('names and strings are quoted', () => {
  const odd = (): DataFrame =>
    spark.createDataFrame(
      [
        { 'first name': "O'Brien", 'say "hi"': 1 },
        { 'first name': 'Zoë', 'say "hi"': 2 },
      ],
      '`first name` STRING, `say "hi"` INT',
    );

  it('reads columns whose names hold spaces and quotes, and compares strings holding quotes', async () => {
    const df = odd()
      .where(col('first name').equalTo("O'Brien"))
      .select(col('say "hi"').plus(1).alias("it's"), lit("'; DROP TABLE x; --").alias('s'));
    expect(await df.collect()).toEqual([{ "it's": 2, s: "'; DROP TABLE x; --" }]);
  });

  it('renames and drops such columns', async () => {
    const df = odd().withColumnRenamed('say "hi"', 'n').drop('first name');
    expect(await df.columns).toEqual(['n']);
  });
});

describe('an unknown column', () => {
  const unknown = [
    ['select', () => sales.select('word', 'nope')],
    ['where', () => sales.where(col('nope').gt(1))],
    ['groupBy', () => sales.groupBy('nope').count()],
    ['agg', () => sales.groupBy('word').agg(sum('nope'))],
    ['orderBy', () => sales.orderBy(desc('nope'))],
    ['withColumn', () => sales.withColumn('x', col('nope').plus(1))],
    ['join using', () => sales.join(spark.table('colours'), 'nope')],
  ] as const;
  it.each(unknown.map(([name, df]) => ({ name, df })))(
    'in $name fails naming it and the columns that exist',
    async ({ df }) => {
      const e = await failure(df().collect());
      expect(e.code).toBe('DSTREAM_ERR_SQL_UNRESOLVED_COLUMN');
      expect(e.message).toContain('with name `nope` cannot be resolved');
      expect(e.message).toMatch(/\[`\w+`(, `\w+`)*\]/);
      expect(e.message).toContain('`word`');
    },
  );

  it('is found once a view read by name has it (resolved at the action)', async () => {
    const later = spark.table('late').select(col('x').plus(1).alias('y'));
    spark.createDataFrame([{ x: 1 }], 'x INT').createOrReplaceTempView('late');
    expect(await later.collect()).toEqual([{ y: 2 }]);
  });
});

describe('arguments Spark refuses', () => {
  it('an unknown join type', () => {
    expect(() => sales.join(sales, 'id', 'sideways')).toThrow(/Unsupported join type 'sideways'/);
  });

  it('an unknown cast type, otherwise() without when()', async () => {
    expect((await failure(sales.select(col('id').cast('money')).collect())).code).toBe(
      'DSTREAM_ERR_SQL_ARGUMENT',
    );
    expect((await failure(sales.select(col('id').otherwise(1)).collect())).message).toContain(
      'previously generated by when()',
    );
  });

  it('GroupedData.sum of a column that is not numeric', async () => {
    const e = await failure(sales.groupBy('id').sum('word').collect());
    expect(e.message).toBe(
      '"word" is not a numeric column. Aggregation function can only be applied on a numeric column.',
    );
  });

  it('union of inputs with different numbers of columns', async () => {
    const e = await failure(sales.union(sales.select('id')).collect());
    expect(e.message).toContain('[NUM_COLUMNS_MISMATCH]');
  });
});

describe('more transformations', () => {
  it('unionByName matches columns by name, nulls for missing ones when allowed', async () => {
    const a = spark.createDataFrame([{ x: 1, y: 'a' }], 'x INT, y STRING');
    const b = spark.createDataFrame([{ y: 'b', z: true }], 'y STRING, z BOOLEAN');
    expect(await a.unionByName(b, true).orderBy('x').collect()).toEqual([
      { x: null, y: 'b', z: true },
      { x: 1, y: 'a', z: null },
    ]);
    expect((await failure(a.unionByName(b).collect())).message).toContain('`z` is missing');
  });

  it('getItem reads arrays from 0 and maps by key; getField reads structs', async () => {
    const df = spark.createDataFrame(
      [{ a: [10, 20], m: new Map([['k', 1]]), s: { f: 'x' } }],
      'a ARRAY<INT>, m MAP<STRING, INT>, s STRUCT<f: STRING>',
    );
    const row = await df
      .select(
        col('a').getItem(1),
        col('a').getItem(5),
        col('m').getItem('k'),
        col('s').getField('f'),
        col('s.f'),
      )
      .first();
    expect(row).toEqual({ 'a[1]': 20, 'a[5]': null, 'm[k]': 1, 's.f': 'x', f: 'x' });
  });

  it('selectExpr and expr run SQL expressions', async () => {
    const df = sales.selectExpr('id', 'total * 2 AS twice').where(expr('twice > 7')).orderBy('id');
    expect(await df.collect()).toEqual([
      { id: 3, twice: 8 },
      { id: 4, twice: 20 },
    ]);
  });

  it('first() of a group, and GroupedData.max of every numeric column', async () => {
    const df = sales.where(col('id').equalTo(4)).groupBy('word').agg(first('price'));
    expect(await df.collect()).toEqual([{ word: 'fig', 'first(price)': 0.25 }]);
    expect(await sales.groupBy().max().columns).toEqual(['max(id)', 'max(total)', 'max(price)']);
  });

  it('joins a DataFrame with itself, and serves as a view for SQL', async () => {
    const pairs = sales.select('id', 'word').join(sales.select('word', 'total'), 'word');
    expect(await pairs.count()).toBe(9); // apple 2x2, pear 2x2, fig 1
    sales.groupBy('word').agg(sum('total').alias('total')).createOrReplaceTempView('totals');
    expect(
      await spark.sql('SELECT word FROM totals WHERE total > 5 ORDER BY word').collect(),
    ).toEqual([{ word: 'apple' }, { word: 'fig' }]);
  });

  it('is lazy: nothing runs until an action, and the source DataFrame is unchanged', async () => {
    const derived = sales.withColumn('total', lit(0));
    expect(await sales.orderBy('id').select('total').first()).toEqual({ total: 3 });
    expect(await derived.select('total').first()).toEqual({ total: 0 });
  });
});
