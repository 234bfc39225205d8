/**
 * MySqlSink beside mysql2's own bulk paths (bench/sinks/common.ts): `node bench/sinks/mysql.ts
 * [rows]`. mysql2's paths: its nested-array multi-row INSERT (`VALUES ?`) in chunks of 1000 and of
 * 10000 rows, and `LOAD DATA LOCAL INFILE` from a stream of tab-separated lines; the fastest counts.
 */
import { Readable } from 'node:stream';
import mysql from 'mysql2/promise';
import { MySqlSink } from 'dstream/sinks/mysql';
import { measureStore, runDirectly, type BenchRow, type SinkMeasure } from './common.ts';

const URL = process.env.DSTREAM_BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306/test';

export async function measure(o: { rows: number }): Promise<SinkMeasure> {
  const db = await mysql.createConnection({ uri: URL, infileStreamFactory: () => infile });
  let infile: Readable = Readable.from([]);
  const tables: string[] = [];
  const sink = MySqlSink.create({ url: URL, id: `bench-sink-${process.pid}` });
  const inTransaction = async (work: () => Promise<void>) => {
    await db.beginTransaction();
    await work();
    await db.commit();
  };
  const multiRow = (size: number) => (table: string, rows: readonly BenchRow[]) =>
    inTransaction(async () => {
      for (let i = 0; i < rows.length; i += size) {
        const chunk = rows.slice(i, i + size).map((r) => [r.id, r.name, r.amount]);
        await db.query(`INSERT INTO ${table} (id, name, amount) VALUES ?`, [chunk]);
      }
    });
  return measureStore(
    {
      store: 'MySQL',
      async fresh() {
        const table = `bench_sink_${process.pid}_${tables.length}`;
        await db.query(`DROP TABLE IF EXISTS ${table}`);
        await db.query(
          `CREATE TABLE ${table} (id int PRIMARY KEY, name varchar(40), amount decimal(18,2)) ENGINE=InnoDB`,
        );
        tables.push(table);
        return table;
      },
      async cleanUp() {
        for (const t of tables) await db.query(`DROP TABLE IF EXISTS ${t}`);
        await db.query('DELETE FROM dstream_batch_times WHERE sink_id = ?', [sink.id]);
      },
      async viaSink(table, rdd, time) {
        await sink.insert(table, rdd, { positions: time });
      },
      clientPaths: {
        'multi-row INSERT, 1000 rows a statement': multiRow(1000),
        'multi-row INSERT, 10000 rows a statement': multiRow(10_000),
        'LOAD DATA LOCAL INFILE': (table, rows) =>
          inTransaction(async () => {
            infile = Readable.from(
              (function* () {
                for (let i = 0; i < rows.length; i += 1000) {
                  let text = '';
                  for (const r of rows.slice(i, i + 1000))
                    text += `${r.id}\t${r.name}\t${r.amount}\n`;
                  yield Buffer.from(text);
                }
              })(),
            );
            await db.query(`LOAD DATA LOCAL INFILE 'rows' INTO TABLE ${table} (id, name, amount)`);
          }),
      },
      async close() {
        await sink.close();
        await db.end();
      },
    },
    o.rows,
  );
}

if (import.meta.main) await runDirectly(measure, process.argv.slice(2));
