/**
 * PostgresSink beside pg's own bulk path (bench/sinks/common.ts): `node bench/sinks/postgres.ts
 * [rows]`. pg has no COPY of its own (that is the separate pg-copy-streams, not a dependency here):
 * its paths are a parameterised multi-row INSERT in chunks of 1000 rows (65535 parameters at most),
 * and one INSERT ... SELECT FROM unnest() of three array parameters per 10000 rows.
 */
import pg from 'pg';
import { PostgresSink } from 'dstream/sinks/postgres';
import { measureStore, runDirectly, type SinkMeasure } from './common.ts';

const URL = process.env.DSTREAM_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function measure(o: { rows: number }): Promise<SinkMeasure> {
  const db = new pg.Client({ connectionString: URL });
  await db.connect();
  const tables: string[] = [];
  const sink = PostgresSink.create({ url: URL, id: `bench-sink-${process.pid}` });
  const inTransaction = async (work: () => Promise<void>) => {
    await db.query('BEGIN');
    await work();
    await db.query('COMMIT');
  };
  return measureStore(
    {
      store: 'PostgreSQL',
      async fresh() {
        const table = `bench_sink_${process.pid}_${tables.length}`;
        await db.query(`DROP TABLE IF EXISTS ${table}`);
        await db.query(
          `CREATE TABLE ${table} (id int PRIMARY KEY, name varchar(40), amount numeric(18,2))`,
        );
        tables.push(table);
        return table;
      },
      async cleanUp() {
        for (const t of tables) await db.query(`DROP TABLE IF EXISTS ${t}`);
        await db.query('DELETE FROM dstream_batch_times WHERE sink_id = $1', [sink.id]);
      },
      async viaSink(table, rdd, time) {
        await sink.insert(table, rdd, { positions: time });
      },
      clientPaths: {
        'multi-row INSERT, 1000 rows a statement': (table, rows) =>
          inTransaction(async () => {
            for (let i = 0; i < rows.length; i += 1000) {
              const chunk = rows.slice(i, i + 1000);
              const values: unknown[] = [];
              const tuples = chunk.map((r, k) => {
                values.push(r.id, r.name, r.amount);
                return `($${3 * k + 1}, $${3 * k + 2}, $${3 * k + 3})`;
              });
              await db.query(
                `INSERT INTO ${table} (id, name, amount) VALUES ${tuples.join(', ')}`,
                values,
              );
            }
          }),
        'INSERT ... SELECT FROM unnest(arrays), 10000 rows a statement': (table, rows) =>
          inTransaction(async () => {
            for (let i = 0; i < rows.length; i += 10_000) {
              const chunk = rows.slice(i, i + 10_000);
              await db.query(
                `INSERT INTO ${table} (id, name, amount)
                 SELECT * FROM unnest($1::int[], $2::varchar[], $3::numeric[])`,
                [chunk.map((r) => r.id), chunk.map((r) => r.name), chunk.map((r) => r.amount)],
              );
            }
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
