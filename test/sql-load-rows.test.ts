// Loading rows into DuckDB (src/sql/load-rows.ts, column-writers.ts): many chunks of 2048 rows
// across RDD partitions, with the full-size chunk filled again and again, BIGINT written word by
// word, nulls in a reused chunk, and the row numbers of errors counted over all partitions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkContext } from 'dstream';
import { SparkSession } from 'dstream/sql';

let spark: SparkSession;
let sc: SparkContext;
beforeAll(() => {
  spark = SparkSession.builder().appName('sql-load-rows').getOrCreate();
  sc = new SparkContext({ master: 'local[1]', appName: 'sql-load-rows' });
});
afterAll(async () => {
  await spark.stop();
  await sc.stop();
});

/** Row i: BIGINT values of both signs, some past 2^32 and past 2^53, and a null every 3001 rows. */
function rowOf(i: number): [number | bigint | null, number, number | null, string, boolean] {
  const id =
    i % 3001 === 3000
      ? null
      : i % 7 === 0 && i > 0
        ? -i * 4294967311
        : i % 11 === 0
          ? 2n ** 62n + BigInt(i)
          : i;
  return [id, i % 34, i % 5 === 0 ? null : i / 4, `w${i % 100}`, i % 2 === 0];
}

describe('createDataFrame loading many chunks', () => {
  const n = 10_000;
  const rows = Array.from({ length: n }, (_, i) => rowOf(i));
  const schema = 'id BIGINT, province INT, price DOUBLE, word STRING, even BOOLEAN';

  it('keeps every value of an RDD of 3 partitions (chunks cross no partition)', async () => {
    const df = spark.createDataFrame(sc.parallelize(rows, 3), schema);
    df.createOrReplaceTempView('loaded');
    const got = await spark.sql('SELECT * FROM loaded').collect();
    expect(got).toHaveLength(n);
    const want = rows.map(([id, province, price, word, even]) => ({
      id: typeof id === 'bigint' && id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : id,
      province,
      price,
      word,
      even,
    }));
    expect(got).toEqual(want);
  });

  it('answers aggregates over them as computed in JS', async () => {
    spark.createDataFrame(sc.parallelize(rows, 2), schema).createOrReplaceTempView('loaded');
    const [row] = await spark
      .sql(
        'SELECT count(id) AS ids, count(price) AS prices, sum(province) AS provinces, ' +
          'sum(CASE WHEN even THEN 1 ELSE 0 END) AS evens, count(DISTINCT word) AS words FROM loaded',
      )
      .collect();
    expect(row).toEqual({
      ids: rows.filter((r) => r[0] !== null).length,
      prices: rows.filter((r) => r[2] !== null).length,
      provinces: rows.reduce((s, r) => s + r[1], 0),
      evens: n / 2,
      words: 100,
    });
  });

  it('numbers a bad row over all partitions', async () => {
    const bad = rows.map((r) => [...r]);
    bad[7000]![1] = 'seven';
    const df = spark.createDataFrame(sc.parallelize(bad, 3), schema);
    await expect(df.count()).rejects.toThrow(
      /^createDataFrame: row 7000, column 'province': int can not accept "seven"/,
    );
  });

  it('refuses a row that is neither an object nor an array, by its number', async () => {
    const bad: unknown[] = rows.slice(0, 5000);
    bad[4097] = 42;
    const df = spark.createDataFrame(sc.parallelize(bad as typeof rows, 2), schema);
    await expect(df.count()).rejects.toThrow(/^createDataFrame: row 4097 is 42 of type number/);
  });
});
