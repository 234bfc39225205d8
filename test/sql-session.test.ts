// dstream/sql's SparkSession and DataFrame: the singleton session, createDataFrame with each kind
// of schema (DDL, StructType, inferred), natural JS values in and out, temporary views, spark.sql
// and spark.table, the actions, and the errors a user can cause (SQL, schema, a stopped session).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamingContext, Seconds } from 'dstream';
import {
  ArrayType,
  DecimalType,
  DoubleType,
  IntegerType,
  LongType,
  MapType,
  parseDDL,
  SparkSession,
  StringType,
  StructField,
  StructType,
  TimestampType,
} from 'dstream/sql';

let spark: SparkSession;
beforeAll(() => {
  spark = SparkSession.builder().appName('sql-session').getOrCreate();
});
afterAll(() => spark.stop());

describe('SparkSession.builder().getOrCreate()', () => {
  it('returns the active session, with the later builder settings applied to it', () => {
    const again = SparkSession.builder()
      .config(new Map([['spark.sql.shuffle.partitions', '4']]))
      .getOrCreate();
    expect(again).toBe(spark);
    expect(spark.conf.get('spark.sql.shuffle.partitions')).toBe('4');
    expect(spark.conf.get('spark.app.name')).toBe('sql-session');
    expect(SparkSession.getActiveSession()).toBe(spark);
  });

  it("takes an RDD's context settings, and defaults the time zone to the process's", () => {
    const ssc = new StreamingContext({
      master: 'local[1]',
      appName: 'conf',
      batchDuration: Seconds(1),
      conf: { 'spark.custom.key': 'v' },
    });
    try {
      const rdd = ssc.sparkContext.parallelize([1]);
      const same = SparkSession.builder().config(rdd.sparkContext.getConf()).getOrCreate();
      expect(same.conf.get('spark.custom.key')).toBe('v');
      expect(same.conf.get('spark.sql.session.timeZone')).toBe(
        Intl.DateTimeFormat().resolvedOptions().timeZone,
      );
    } finally {
      void ssc.stop({ stopGracefully: false });
    }
  });

  it('after stop(), refuses the old DataFrames and creates a new session', async () => {
    const first = SparkSession.builder().getOrCreate();
    const old = SparkSession.builder().config('x', 'y').getOrCreate();
    expect(old).toBe(first);
    await first.stop();
    await expect(first.sql('SELECT 1 AS one').collect()).rejects.toMatchObject({
      code: 'DSTREAM_ERR_SQL_SESSION_STOPPED',
    });
    spark = SparkSession.builder().appName('sql-session').getOrCreate();
    expect(spark).not.toBe(first);
    expect(await spark.sql('SELECT 1 AS one').collect()).toEqual([{ one: 1 }]);
  });
});

describe('createDataFrame', () => {
  const rows = [
    { word: 'a', total: 2 },
    { word: 'b', total: 5 },
  ];

  it('takes a DDL schema', async () => {
    const df = spark.createDataFrame(rows, 'word STRING, total BIGINT');
    expect((await df.schema).fields).toEqual([
      new StructField('word', StringType),
      new StructField('total', LongType),
    ]);
    expect(await df.collect()).toEqual(rows);
  });

  it('takes a StructType, built with add() or from fields', async () => {
    const added = new StructType().add('word', StringType).add('total', IntegerType);
    const listed = new StructType([
      new StructField('word', StringType),
      new StructField('total', IntegerType),
    ]);
    expect(added).toEqual(listed);
    expect(await spark.createDataFrame(rows, added).collect()).toEqual(rows);
    expect((await spark.createDataFrame(rows, listed).schema).fieldNames()).toEqual([
      'word',
      'total',
    ]);
  });

  it('takes rows as arrays in column order', async () => {
    const df = spark.createDataFrame(
      [
        ['a', 2],
        ['b', 5],
      ],
      'word STRING, total BIGINT',
    );
    expect(await df.collect()).toEqual(rows);
  });

  it('infers the schema as Spark does: integral numbers BIGINT, others DOUBLE', async () => {
    const df = spark.createDataFrame([
      { word: 'a', n: 1, x: 1, at: new Date(0), ok: true, tags: ['t'], m: new Map([['k', 1]]) },
      { word: 'b', n: 2, x: 1.5, at: null, ok: false, tags: [], m: new Map() },
    ]);
    const schema = await df.schema;
    expect(schema.simpleString()).toBe(
      'struct<word:string,n:bigint,x:double,at:timestamp,ok:boolean,tags:array<string>,m:map<string,bigint>>',
    );
    expect(schema.fields[3]!.dataType).toBe(TimestampType);
    const arrays = spark.createDataFrame([[1, 'x']]);
    expect((await arrays.schema).fieldNames()).toEqual(['_1', '_2']);
  });

  it('refuses to infer from no rows, or from a column that is always null', async () => {
    await expect(spark.createDataFrame([]).collect()).rejects.toMatchObject({
      code: 'DSTREAM_ERR_SQL_SCHEMA',
    });
    await expect(spark.createDataFrame([{ a: null }]).collect()).rejects.toThrow(/column 'a'/);
  });

  it('gives back natural JS values: bigints past 2^53, decimals as numbers or strings, Dates, Maps', async () => {
    const values = {
      big: 9007199254740993n,
      small: 12,
      money: '12345678901234567890.12',
      price: 1.5,
      day: new Date('2024-02-29'),
      at: new Date('2024-01-02T03:04:05.123Z'),
      m: new Map([['a', [1, null]]]),
      s: { x: 1, y: 'q' },
      none: null,
    };
    const df = spark.createDataFrame(
      [values],
      'big BIGINT, small BIGINT, money DECIMAL(38,2), price DECIMAL(10,2), day DATE, ' +
        'at TIMESTAMP, m MAP<STRING, ARRAY<INT>>, s STRUCT<x: INT, y: STRING>, none STRING',
    );
    expect(await df.collect()).toEqual([values]);
    const schema = await df.schema;
    expect(schema.fields[2]!.dataType).toEqual(new DecimalType(38, 2));
    expect(schema.fields[6]!.dataType).toEqual(new MapType(StringType, new ArrayType(IntegerType)));
  });

  it('gives a decimal as a number up to 15 digits, which a double holds exactly, else as text', async () => {
    const df = spark.sql(
      'SELECT * FROM (VALUES (1234567890123.45::DECIMAL(38,2)), (12345678901234.56::DECIMAL(38,2)), ' +
        '(-0.07::DECIMAL(38,2)), (0.10::DECIMAL(38,2)), (-9999999999999.99::DECIMAL(38,2))) t(d)',
    );
    expect((await df.collect()).map((row) => row.d)).toEqual([
      1234567890123.45,
      '12345678901234.56',
      -0.07,
      0.1,
      -9999999999999.99,
    ]);
  });

  it('collects an RDD when an action needs it', async () => {
    const ssc = new StreamingContext({
      master: 'local[2]',
      appName: 'rdd',
      batchDuration: Seconds(1),
    });
    try {
      const rdd = ssc.sparkContext.parallelize(['a b', 'b c', 'b'], 2).flatMap((l) => l.split(' '));
      const df = spark.createDataFrame(
        rdd.map((w) => [w, 1] as const),
        'word STRING, n INT',
      );
      df.createOrReplaceTempView('rdd_words');
      const counted = await spark
        .sql('SELECT word, count(*) AS total FROM rdd_words GROUP BY word ORDER BY word')
        .collect();
      expect(counted).toEqual([
        { word: 'a', total: 1 },
        { word: 'b', total: 3 },
        { word: 'c', total: 1 },
      ]);
    } finally {
      void ssc.stop({ stopGracefully: false });
    }
  });
});

describe('a schema that does not match the rows', () => {
  it.each([
    [{ word: 'a', total: 'x' }, /row 1, column 'total': bigint can not accept "x" of type string/],
    [{ word: 'a', total: 1.5 }, /row 1, column 'total': bigint can not accept 1.5/],
    [{ word: 7, total: 1 }, /row 1, column 'word': string can not accept 7 of type number/],
  ])('names the row and the column: %j', async (bad, message) => {
    const df = spark.createDataFrame([{ word: 'ok', total: 1 }, bad], 'word STRING, total BIGINT');
    const error = await df.collect().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DSTREAM_ERR_SQL_SCHEMA' });
    expect((error as Error).message).toMatch(message);
  });

  it('says what a row is when it is neither an object nor an array', async () => {
    const rows = [{ word: 'ok' }, 'word'] as unknown as { word: string }[];
    await expect(spark.createDataFrame(rows, 'word STRING').collect()).rejects.toThrow(
      /row 1 is "word" of type string; a row is a plain object keyed by column name or an array/,
    );
  });

  it('checks ranges, nested values and decimals', async () => {
    await expect(spark.createDataFrame([[300]], 'b TINYINT').collect()).rejects.toThrow(
      /column 'b': tinyint can not accept 300/,
    );
    await expect(spark.createDataFrame([[['x']]], 'a ARRAY<INT>').collect()).rejects.toThrow(
      /column 'a': int can not accept "x"/,
    );
    await expect(spark.createDataFrame([['123.456']], 'd DECIMAL(4,2)').collect()).rejects.toThrow(
      /column 'd': decimal\(4,2\) can not accept "123.456"/,
    );
  });

  it('is a parse error with the position when the DDL is wrong', () => {
    expect(() => parseDDL('word STRING, total BIGNUM')).toThrow(
      /at position 19: unknown type 'BIGNUM'/,
    );
    expect(() => spark.createDataFrame([], 'word STRING,')).toThrow(/ends too early/);
    expect(parseDDL('`a b` DECIMAL(5, 1) NOT NULL, s STRUCT<x: INT>').toDDL()).toBe(
      '`a b` DECIMAL(5,1), s STRUCT<x: INT>',
    );
    expect(parseDDL('x double').fields[0]!.dataType).toBe(DoubleType);
  });
});

describe('views, SQL and actions', () => {
  beforeAll(() => {
    spark
      .createDataFrame(
        Array.from({ length: 30 }, (_, i) => ({ id: i, word: `w${i % 3}` })),
        'id INT, word STRING',
      )
      .createOrReplaceTempView('t');
  });

  it('runs SQL over a view, and spark.table reads one', async () => {
    const df = spark.sql(
      'SELECT word, count(*) AS total, sum(id) AS ids FROM t GROUP BY word ORDER BY word',
    );
    expect(await df.collect()).toEqual([
      { word: 'w0', total: 10, ids: 135 },
      { word: 'w1', total: 10, ids: 145 },
      { word: 'w2', total: 10, ids: 155 },
    ]);
    expect((await df.schema).simpleString()).toBe('struct<word:string,total:bigint,ids:bigint>');
    expect(await spark.table('t').count()).toBe(30);
  });

  it('has count, first, take', async () => {
    const df = spark.sql('SELECT id FROM t ORDER BY id DESC');
    expect(await df.count()).toBe(30);
    expect(await df.first()).toEqual({ id: 29 });
    expect(await df.take(2)).toEqual([{ id: 29 }, { id: 28 }]);
    await expect(spark.sql('SELECT id FROM t WHERE id < 0').first()).rejects.toMatchObject({
      code: 'DSTREAM_ERR_EMPTY_COLLECTION',
    });
  });

  it('replaces a view, as each batch does', async () => {
    spark.createDataFrame([{ v: 1 }], 'v INT').createOrReplaceTempView('batch');
    expect(await spark.table('batch').collect()).toEqual([{ v: 1 }]);
    spark.createDataFrame([{ v: 2 }], 'v INT').createOrReplaceTempView('batch');
    expect(await spark.table('batch').collect()).toEqual([{ v: 2 }]);
  });

  it('has global temporary views, read as global_temp.name', async () => {
    spark.createDataFrame([{ g: 1 }], 'g INT').createOrReplaceGlobalTempView('shared');
    expect(await spark.sql('SELECT g FROM global_temp.shared').collect()).toEqual([{ g: 1 }]);
    spark.createDataFrame([{ g: 2 }], 'g INT').createOrReplaceGlobalTempView('shared');
    expect(await spark.table('global_temp.shared').collect()).toEqual([{ g: 2 }]);
    await expect(spark.sql('SELECT g FROM shared').collect()).rejects.toMatchObject({
      code: 'DSTREAM_ERR_SQL',
    });
  });

  it.each([
    ['SELEC word FROM t', /syntax error/],
    ['SELECT nope FROM t', /nope/],
    ['SELECT * FROM no_such_view', /no_such_view/],
  ])('rejects %s with DSTREAM_ERR_SQL carrying the query', async (query, message) => {
    const error = await spark
      .sql(query)
      .collect()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DSTREAM_ERR_SQL' });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(`== SQL ==\n${query}`);
    // DuckDB's pointer is into the user's query, not the LIMIT wrapped around it for show().
    const shown = await spark
      .sql(query)
      .show()
      .catch((e: unknown) => e);
    expect((shown as Error).message).toContain(`LINE 1: ${query}\n`);
  });
});

describe('spark.sql.session.timeZone', () => {
  afterAll(() => spark.conf.set('spark.sql.session.timeZone', 'UTC'));

  it.each([
    ['UTC', '2024-07-02 03:04:05.5'],
    ['Asia/Shanghai', '2024-07-02 11:04:05.5'],
    ['America/New_York', '2024-07-01 23:04:05.5'],
  ])('prints timestamps in %s', async (zone, printed) => {
    spark.conf.set('spark.sql.session.timeZone', zone);
    const df = spark.createDataFrame([{ at: new Date('2024-07-02T03:04:05.500Z') }]);
    expect(await df.showString(20, false)).toBe(
      `+${'-'.repeat(21)}+\n|at${' '.repeat(19)}|\n+${'-'.repeat(21)}+\n|${printed}|\n+${'-'.repeat(21)}+\n`,
    );
  });
});
