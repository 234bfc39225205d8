// df.write: Spark's DataFrameWriter on DuckDB's COPY. Spark's directory layout (one directory per
// partition value, `part-00000-<uuid>-c000.<ext>` files, `_SUCCESS`), its save modes and its error
// when the path exists; partitioned Parquet reads back with the right partitions and rows.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DStreamError, Minutes, type Time } from 'dstream';
import { runBatches } from 'dstream/testing';
import { SparkSession } from 'dstream/sql';

let root: string;
const spark = SparkSession.builder().appName('sql-write').getOrCreate();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dstream-sql-write-'));
});
afterAll(async () => {
  await SparkSession.getActiveSession()?.stop();
  await rm(root, { recursive: true, force: true });
});

/** Every file under `dir`, relative to it, sorted; part files' job uuids as `<uuid>`. */
async function layout(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).replace(/-[0-9a-f-]{36}-/, '-<uuid>-'))
    .sort();
}

/** The text of the one part file directly in `dir`. */
async function partText(dir: string): Promise<string> {
  const parts = (await readdir(dir)).filter((f) => f.startsWith('part-'));
  expect(parts).toHaveLength(1);
  return readFile(join(dir, parts[0]!), 'utf8');
}

const orders = () =>
  spark.createDataFrame(
    [
      { province: 'gd', city: 'sz', amount: 3.5 },
      { province: 'gd', city: 'gz', amount: 4 },
      { province: 'bj', city: 'bj', amount: null },
    ],
    'province STRING, city STRING, amount DOUBLE',
  );

describe('df.write', () => {
  it("writes the course note's per-batch partitioned output, which reads back by partition", async () => {
    // The note saves each batch's word counts under date_str=.../hour_str=... by hand; here each
    // batch appends to one partitioned Parquet table. Batches every 30 minutes cross an hour.
    const out = join(root, 'logs');
    const byDStream = await runBatches({
      inputs: [[['a b a'], ['b c'], ['a']]],
      numBatches: 3,
      batchDuration: Minutes(30),
      build: (_ssc, [lines]) => {
        const counts = lines!
          .flatMap((l: string) => l.split(' '))
          .map((w) => [w, 1] as const)
          .reduceByKey((a, b) => a + b);
        counts.foreachRDD(async (rdd, time: Time) => {
          if (await rdd.isEmpty()) return;
          const batchTime = new Date(time.milliseconds).toISOString(); // 1970-01-01T00:30:00.000Z
          const s = SparkSession.builder().config(rdd.sparkContext.getConf()).getOrCreate();
          await s
            .createDataFrame(
              rdd.map(([word, count]) => [
                word,
                count,
                batchTime.slice(0, 10),
                batchTime.slice(11, 13),
              ]),
              'word STRING, count BIGINT, date_str STRING, hour_str STRING',
            )
            .write.mode('append')
            .partitionBy('date_str', 'hour_str')
            .parquet(out);
        });
        return counts;
      },
    });
    expect(await layout(out)).toEqual([
      '_SUCCESS',
      'date_str=1970-01-01/hour_str=00/part-00000-<uuid>-c000.snappy.parquet',
      'date_str=1970-01-01/hour_str=01/part-00000-<uuid>-c000.snappy.parquet',
      'date_str=1970-01-01/hour_str=01/part-00000-<uuid>-c000.snappy.parquet',
    ]);
    const back = await spark
      .sql(
        `SELECT hour_str, word, sum(count) AS total FROM read_parquet('${out}/*/*/*.parquet', ` +
          'hive_partitioning = true, hive_types_autocast = false) GROUP BY ALL ORDER BY ALL',
      )
      .collect();
    expect(back).toEqual([
      { hour_str: '00', word: 'a', total: 2 },
      { hour_str: '00', word: 'b', total: 1 },
      { hour_str: '01', word: 'a', total: 1 },
      { hour_str: '01', word: 'b', total: 1 },
      { hour_str: '01', word: 'c', total: 1 },
    ]);
    const sumOf = (pairs: readonly (readonly [string, number])[]) =>
      pairs.reduce((n, [, c]) => n + c, 0);
    expect(back.reduce((n, r) => n + (r.total as number), 0)).toBe(
      byDStream.reduce((n, batch) => n + sumOf(batch), 0),
    );
  });

  it('leaves the partition columns out of the files, as Spark does', async () => {
    const out = join(root, 'orders');
    await orders().write.partitionBy('province').parquet(out);
    expect(await layout(out)).toEqual([
      '_SUCCESS',
      'province=bj/part-00000-<uuid>-c000.snappy.parquet',
      'province=gd/part-00000-<uuid>-c000.snappy.parquet',
    ]);
    const inFile = await spark
      .sql(
        `SELECT * FROM read_parquet('${out}/province=gd/*.parquet', hive_partitioning = false) ORDER BY city`,
      )
      .collect();
    expect(inFile).toEqual([
      { city: 'gz', amount: 4 },
      { city: 'sz', amount: 3.5 },
    ]);
  });

  it('names a null or empty partition value __HIVE_DEFAULT_PARTITION__, as Spark', async () => {
    const out = join(root, 'nulls');
    await spark
      .createDataFrame(
        [
          { city: 'sz', n: 1 },
          { city: null, n: 2 },
          { city: '', n: 3 },
          { city: 'NULL', n: 4 },
        ],
        'city STRING, n INT',
      )
      .write.partitionBy('city')
      .csv(out);
    expect(await layout(out)).toEqual(
      [
        'city=NULL/part-00000-<uuid>-c000.csv',
        'city=__HIVE_DEFAULT_PARTITION__/part-00000-<uuid>-c000.csv',
        'city=sz/part-00000-<uuid>-c000.csv',
        '_SUCCESS',
      ].sort(),
    );
    const defaultPartition = await partText(join(out, 'city=__HIVE_DEFAULT_PARTITION__'));
    expect(defaultPartition.split('\n').sort()).toEqual(['', '2', '3']);
  });

  it("fails on an existing path by default, with Spark's message", async () => {
    const out = join(root, 'exists');
    await orders().write.parquet(out);
    expect(await layout(out)).toEqual(['_SUCCESS', 'part-00000-<uuid>-c000.snappy.parquet']);
    const message =
      `[PATH_ALREADY_EXISTS] Path file:${out} already exists. ` +
      'Set mode as "overwrite" to overwrite the existing path.';
    for (const write of [
      () => orders().write.parquet(out),
      () => orders().write.mode('error').json(out),
      () => orders().write.mode('errorifexists').csv(out),
    ]) {
      const error: unknown = await write().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DStreamError);
      expect((error as DStreamError).code).toBe('DSTREAM_ERR_SQL_PATH_EXISTS');
      expect((error as DStreamError).message).toBe(message);
    }
    expect(await layout(out)).toEqual(['_SUCCESS', 'part-00000-<uuid>-c000.snappy.parquet']);
  });

  it('appends, overwrites and ignores as Spark', async () => {
    const out = join(root, 'modes');
    const one = spark.createDataFrame([{ n: 1 }], 'n INT');
    const two = spark.createDataFrame([{ n: 2 }], 'n INT');
    const read = async () =>
      (await spark.sql(`SELECT n FROM read_json('${out}/*.json') ORDER BY n`).collect()).map(
        (r) => r.n,
      );
    await one.write.mode('append').json(out);
    await two.write.mode('append').json(out);
    expect(await read()).toEqual([1, 2]);
    expect(await layout(out)).toHaveLength(3);
    await two.write.mode('ignore').json(out);
    expect(await read()).toEqual([1, 2]);
    await two.write.mode('overwrite').json(out);
    expect(await read()).toEqual([2]);
    expect(await layout(out)).toEqual(['_SUCCESS', 'part-00000-<uuid>-c000.json']);
    await one.write.mode('ignore').json(join(root, 'ignored-new'));
    expect(await layout(join(root, 'ignored-new'))).toEqual([
      '_SUCCESS',
      'part-00000-<uuid>-c000.json',
    ]);
    expect(() => one.write.mode('upsert' as 'append')).toThrow(
      '[INVALID_SAVE_MODE] The specified save mode "upsert" is invalid.',
    );
  });

  it('writes CSV without a header unless asked, and JSON lines', async () => {
    await orders().write.csv(join(root, 'csv'));
    expect(await partText(join(root, 'csv'))).toBe('gd,sz,3.5\ngd,gz,4.0\nbj,bj,\n');
    await orders().write.option('header', true).option('sep', ';').csv(join(root, 'csv-header'));
    expect(await partText(join(root, 'csv-header'))).toBe(
      'province;city;amount\ngd;sz;3.5\ngd;gz;4.0\nbj;bj;\n',
    );
    await orders().write.json(join(root, 'json'));
    expect(await partText(join(root, 'json'))).toBe(
      '{"province":"gd","city":"sz","amount":3.5}\n' +
        '{"province":"gd","city":"gz","amount":4.0}\n' +
        '{"province":"bj","city":"bj","amount":null}\n',
    );
    await orders().write.format('csv').option('compression', 'gzip').save(join(root, 'csv-gz'));
    expect(await layout(join(root, 'csv-gz'))).toEqual([
      '_SUCCESS',
      'part-00000-<uuid>-c000.csv.gz',
    ]);
  });

  it('writes partitioned JSON as Spark: a directory per value, the column left out of the files', async () => {
    const out = join(root, 'orders-json');
    await orders().write.partitionBy('province').json(out);
    await orders().write.mode('append').partitionBy('province').json(out);
    expect(await layout(out)).toEqual([
      '_SUCCESS',
      'province=bj/part-00000-<uuid>-c000.json',
      'province=bj/part-00000-<uuid>-c000.json',
      'province=gd/part-00000-<uuid>-c000.json',
      'province=gd/part-00000-<uuid>-c000.json',
    ]);
    const gd = (await readdir(join(out, 'province=gd'))).map((f) => join(out, 'province=gd', f));
    const lines = (await Promise.all(gd.map((f) => readFile(f, 'utf8')))).join('').split('\n');
    expect(lines.filter(Boolean).sort()).toEqual([
      '{"city":"gz","amount":4.0}',
      '{"city":"gz","amount":4.0}',
      '{"city":"sz","amount":3.5}',
      '{"city":"sz","amount":3.5}',
    ]);
    const back = await spark
      .sql(
        `SELECT province, count(*) AS n FROM read_json('${out}/*/*.json', hive_partitioning = true) GROUP BY ALL ORDER BY ALL`,
      )
      .collect();
    expect(back).toEqual([
      { province: 'bj', n: 2 },
      { province: 'gd', n: 4 },
    ]);
  });

  it("escapes partition directory names as Spark's escapePathName, in every format", async () => {
    const cities = spark.createDataFrame(
      [
        { city: 'a/b', n: 1 },
        { city: 'a b', n: 2 },
        { city: '50%', n: 3 },
        { city: 'é:x', n: 4 },
        { city: 'q"?#=', n: 5 },
      ],
      'city STRING, n INT',
    );
    const expected = (ext: string) =>
      [
        '_SUCCESS',
        ...['a%2Fb', 'a b', '50%25', 'é%3Ax', 'q%22%3F%23%3D'].map(
          (dir) => `city=${dir}/part-00000-<uuid>-c000.${ext}`,
        ),
      ].sort();
    for (const format of ['parquet', 'csv', 'json'] as const) {
      const out = join(root, `escaped-${format}`);
      await cities.write.partitionBy('city').format(format).save(out);
      const ext = format === 'parquet' ? 'snappy.parquet' : format;
      expect(await layout(out)).toEqual(expected(ext));
      // An append lands in the same directories, not in new ones named another way.
      await cities.write.mode('append').partitionBy('city').format(format).save(out);
      expect((await readdir(out)).sort()).toEqual(
        [
          '_SUCCESS',
          ...expected(ext)
            .slice(1)
            .map((f) => f.split('/')[0]!),
        ].sort(),
      );
    }
  });

  it('refuses a partition column the DataFrame lacks, before writing anything', async () => {
    const out = join(root, 'bad-partition');
    await expect(orders().write.partitionBy('country').parquet(out)).rejects.toThrow(
      'Partition column `country` not found in schema struct<province:string,city:string,amount:double>',
    );
    await expect(
      orders().write.partitionBy('province', 'city', 'amount').parquet(out),
    ).rejects.toThrow('Cannot use all columns for partition columns');
    await expect(readdir(out)).rejects.toThrow('ENOENT');
  });
});
