/**
 * `npm run bench -- sql-load [--rows N] [--runs N]`: rows per second moved into DuckDB by
 * dstream/sql's createDataFrame (then count(), which loads the table), from an array of object
 * rows, from an array of array rows and from an RDD of 4 partitions, beside DuckDB's own
 * appender fed one value at a time (appendVarchar/appendBigInt/appendDouble, no checks): the
 * client's plain bulk path. Schema: word STRING, total BIGINT, price DOUBLE. The best of --runs.
 */
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { SparkContext } from 'dstream';
import { SparkSession } from 'dstream/sql';
import { ensureBuilt, machine, reportHeader } from './lib/machine.ts';

const SCHEMA = 'word STRING, total BIGINT, price DOUBLE';

function rowsOf(n: number): { word: string; total: number; price: number }[] {
  return Array.from({ length: n }, (_, i) => ({ word: `w${i % 1000}`, total: i, price: i / 8 }));
}

async function best(runs: number, once: () => Promise<void>): Promise<number> {
  let fastest = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await once();
    fastest = Math.min(fastest, performance.now() - t0);
  }
  return fastest;
}

async function appenderAlone(
  rows: { word: string; total: number; price: number }[],
): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run('CREATE TABLE t (word VARCHAR, total BIGINT, price DOUBLE)');
  const appender = await connection.createAppender('t');
  for (const row of rows) {
    appender.appendVarchar(row.word);
    appender.appendBigInt(BigInt(row.total));
    appender.appendDouble(row.price);
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
  connection.closeSync();
  instance.closeSync();
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rows: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
    },
  });
  const n = Number(values.rows);
  const runs = Number(values.runs);
  ensureBuilt();
  const start = machine();
  const rows = rowsOf(n);
  const arrays = rows.map((r) => [r.word, r.total, r.price] as const);
  const sc = new SparkContext({ master: 'local[1]', appName: 'sql-load' });
  const rdd = sc.parallelize(rows, 4);
  const spark = SparkSession.builder().getOrCreate();
  const results: [string, number][] = [
    [
      'createDataFrame(object rows)',
      await best(runs, async () => void (await spark.createDataFrame(rows, SCHEMA).count())),
    ],
    [
      'createDataFrame(array rows)',
      await best(runs, async () => void (await spark.createDataFrame(arrays, SCHEMA).count())),
    ],
    [
      'createDataFrame(RDD, 4 partitions)',
      await best(runs, async () => void (await spark.createDataFrame(rdd, SCHEMA).count())),
    ],
    ['DuckDB appender, value by value', await best(runs, () => appenderAlone(rows))],
  ];
  await spark.stop();
  await sc.stop();
  process.stdout.write(
    `${reportHeader(start, machine(), `${n} rows (${SCHEMA}), best of ${runs}`)}\n\n`,
  );
  for (const [name, ms] of results) {
    const perSecond = Math.round((n / ms) * 1000).toLocaleString('en-US');
    process.stdout.write(
      `${name.padEnd(38)} ${ms.toFixed(0).padStart(6)} ms  ${perSecond} rows/s\n`,
    );
  }
}
