// Rows into a DuckDB table in bulk: one data chunk of up to 2048 rows (DuckDB's vector size) at a
// time, filled column by column and handed to an appender, never one INSERT per row. Values are
// checked against the schema on the way; a mismatch names the row and the column.
import type * as DuckDB from '@duckdb/node-api';
import { DStreamError } from '../errors.js';
import { duckdbTypeOf, quoteIdentifier, type StructType } from './types.js';
import {
  describeValue,
  toDuckDBValue,
  ValueMismatch,
  type DuckDBModule,
  type Row,
} from './values.js';

const CHUNK_ROWS = 2048;

function throwRowShapeError(row: unknown, index: number): never {
  throw new DStreamError(
    'DSTREAM_ERR_SQL_SCHEMA',
    `createDataFrame: row ${index} is ${describeValue(row)}; a row is a plain object keyed by ` +
      'column name or an array in column order',
  );
}

/** Creates (or replaces) `table` with `schema`'s columns and appends `rows` to it. */
export async function loadRows(
  duckdb: DuckDBModule,
  connection: DuckDB.DuckDBConnection,
  table: string,
  schema: StructType,
  rows: readonly Row[],
): Promise<void> {
  const columns = schema.fields.map(
    (f) => `${quoteIdentifier(f.name)} ${duckdbTypeOf(f.dataType)}`,
  );
  await connection.run(`CREATE OR REPLACE TABLE ${quoteIdentifier(table)} (${columns.join(', ')})`);
  if (rows.length === 0) return;
  const types = (
    await connection.runAndReadAll(`SELECT * FROM ${quoteIdentifier(table)} LIMIT 0`)
  ).columnTypes();
  const appender = await connection.createAppender(table);
  const fields = schema.fields;
  let rowIndex = 0;
  let column = 0;
  try {
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rows.length - start);
      const chunk = duckdb.DuckDBDataChunk.create(types, count);
      for (column = 0; column < fields.length; column++) {
        const { name, dataType } = fields[column]!;
        const vector = chunk.getColumnVector(column);
        for (let i = 0; i < count; i++) {
          rowIndex = start + i;
          const row = rows[rowIndex];
          const value = Array.isArray(row)
            ? (row as readonly unknown[])[column]
            : typeof row === 'object' && row !== null
              ? (row as Readonly<Record<string, unknown>>)[name]
              : throwRowShapeError(row, rowIndex);
          vector.setItem(i, toDuckDBValue(duckdb, dataType, value));
        }
        vector.flush();
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } catch (e) {
    if (e instanceof ValueMismatch) {
      const field = fields[column]!;
      throw new DStreamError(
        'DSTREAM_ERR_SQL_SCHEMA',
        `createDataFrame: row ${rowIndex}, column '${field.name}': ${e.message}. ` +
          'Fix the row, or the schema given to createDataFrame',
      );
    }
    throw e;
  } finally {
    appender.closeSync();
  }
}
