// Rows into a DuckDB table in bulk: one data chunk of up to 2048 rows (DuckDB's vector size) at a
// time, filled column by column (column-writers.ts) and handed to an appender, never one INSERT
// per row. The rows come as partitions, as an RDD's job returns them: never concatenated first.
// One chunk of full size is filled again and again (the appender copies what it is given), so its
// vectors are made once per table rather than once per 2048 rows.
import type * as DuckDB from '@duckdb/node-api';
import { ColumnWriter } from './column-writers.js';
import { duckdbTypeOf, quoteIdentifier, type StructType } from './types.js';
import type { DuckDBModule, Row } from './values.js';

const CHUNK_ROWS = 2048;

/**
 * Creates (or replaces) `table` with `schema`'s columns and appends the rows of `partitions` to
 * it, in order. A value that does not match the schema fails with DSTREAM_ERR_SQL_SCHEMA naming
 * the row (its index over all partitions) and the column.
 */
export async function loadRows(
  duckdb: DuckDBModule,
  connection: DuckDB.DuckDBConnection,
  table: string,
  schema: StructType,
  partitions: readonly (readonly Row[])[],
): Promise<void> {
  const columns = schema.fields.map(
    (f) => `${quoteIdentifier(f.name)} ${duckdbTypeOf(f.dataType)}`,
  );
  await connection.run(`CREATE OR REPLACE TABLE ${quoteIdentifier(table)} (${columns.join(', ')})`);
  if (partitions.every((rows) => rows.length === 0)) return;
  const types = (
    await connection.runAndReadAll(`SELECT * FROM ${quoteIdentifier(table)} LIMIT 0`)
  ).columnTypes();
  const writers = schema.fields.map((f, i) => new ColumnWriter(duckdb, f, i));
  const appender = await connection.createAppender(table);
  let full: DuckDB.DuckDBDataChunk | undefined;
  let first = 0;
  try {
    for (const rows of partitions) {
      for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
        const count = Math.min(CHUNK_ROWS, rows.length - start);
        const chunk =
          count === CHUNK_ROWS
            ? (full ??= duckdb.DuckDBDataChunk.create(types, CHUNK_ROWS))
            : duckdb.DuckDBDataChunk.create(types, count);
        for (let c = 0; c < writers.length; c++) {
          const vector = chunk.getColumnVector(c);
          writers[c]!.fill(vector, { rows, start, count, first: first + start });
          vector.flush();
        }
        appender.appendDataChunk(chunk);
      }
      first += rows.length;
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
