// The types `Column.cast(to)` takes: Spark's type names, as DuckDB's type and Spark's spelling in
// the cast column's name (`CAST(price AS INT)`).
import { DStreamError } from '../errors.js';
import type { DataType } from './types.js';

const CAST_TYPES: Readonly<Record<string, readonly [duckdb: string, spark: string]>> = {
  string: ['VARCHAR', 'STRING'],
  varchar: ['VARCHAR', 'STRING'],
  int: ['INTEGER', 'INT'],
  integer: ['INTEGER', 'INT'],
  bigint: ['BIGINT', 'BIGINT'],
  long: ['BIGINT', 'BIGINT'],
  smallint: ['SMALLINT', 'SMALLINT'],
  short: ['SMALLINT', 'SMALLINT'],
  tinyint: ['TINYINT', 'TINYINT'],
  byte: ['TINYINT', 'TINYINT'],
  double: ['DOUBLE', 'DOUBLE'],
  float: ['FLOAT', 'FLOAT'],
  real: ['FLOAT', 'FLOAT'],
  boolean: ['BOOLEAN', 'BOOLEAN'],
  date: ['DATE', 'DATE'],
  timestamp: ['TIMESTAMP', 'TIMESTAMP'],
  binary: ['BLOB', 'BINARY'],
};

/** A Spark type name (or DataType) as DuckDB's type and Spark's spelling in a CAST's name. */
export function castTarget(to: string | DataType): { duckdb: string; spark: string } {
  const text = (typeof to === 'string' ? to : to.simpleString()).trim().toLowerCase();
  const known = CAST_TYPES[text];
  if (known) return { duckdb: known[0], spark: known[1] };
  const decimal = /^decimal(?:\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(text);
  if (decimal) {
    const p = decimal[1] ?? '10';
    const sc = decimal[2] ?? '0';
    return { duckdb: `DECIMAL(${p}, ${sc})`, spark: `DECIMAL(${p},${sc})` };
  }
  throw new DStreamError(
    'DSTREAM_ERR_SQL_ARGUMENT',
    `cast: unsupported type '${text}': use a Spark type name such as 'bigint', 'int', 'double', ` +
      "'string', 'boolean', 'date', 'timestamp' or 'decimal(10,2)'",
  );
}
