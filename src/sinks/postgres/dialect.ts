// PostgreSQL's SQL for the shared sink: `$n` parameters, `ON CONFLICT ... DO UPDATE`, SQLSTATEs,
// and where its errors put the rejected value (a parameter's number, a column, a key).
import type { Chunk, Rejection, SqlDialect, SqlQueryable, Statement } from '../core/sql/index.js';
import { closePools, poolFor } from './client.js';
import { columnTypes, identifier, statement } from './statements.js';

/** The fields of pg's DatabaseError that locate a rejection. */
interface PgError {
  code?: unknown;
  column?: unknown;
  detail?: unknown;
  where?: unknown;
  message?: unknown;
}

export const postgres: SqlDialect = {
  store: 'PostgreSQL',
  sinkName: 'PostgresSink',
  limits: { maxParameters: 65535, maxRows: 1000 },
  pool: poolFor,
  closePools,
  identifier,
  placeholder: (n) => `$${n}`,
  statement,
  columnTypes,
  positionsTables: [
    `CREATE TABLE IF NOT EXISTS dstream_offsets (
      sink_id text NOT NULL, topic text NOT NULL, kafka_partition int NOT NULL,
      until_offset bigint NOT NULL, PRIMARY KEY (sink_id, topic, kafka_partition))`,
    `CREATE TABLE IF NOT EXISTS dstream_batch_times (
      sink_id text PRIMARY KEY, batch_time bigint NOT NULL)`,
  ],
  isRetryable: (e) => !isDataOrSchema(e),
  rejection,
};

/**
 * Not for what the data or the schema is (SQLSTATE classes 22 data exception, 23 integrity
 * constraint, 42 syntax or undefined table/column), which would fail the same way; yes for
 * connections refused or lost, authentication, shutdowns, deadlocks, lock timeouts.
 */
function isDataOrSchema(e: unknown): boolean {
  const code = (e as PgError).code;
  return typeof code === 'string' && /^(22|23|42)/.test(code);
}

/**
 * A parameter that does not convert names its number in `where` (`unnamed portal parameter $5 =
 * '...'`): row and column follow from the statement's layout. A NOT NULL violation names the
 * column; a unique or foreign key its columns and values in `detail` (`Key (id)=(1) already
 * exists.`). A value too long names neither: the table's definition tells.
 */
async function rejection(
  e: unknown,
  chunk: Chunk,
  { byColumns }: Statement,
  lookup: SqlQueryable,
): Promise<Rejection | undefined> {
  if (!isDataOrSchema(e)) return undefined;
  const { code, column, detail, where, message } = e as PgError;
  const n = chunk.columns.length;
  const parameter = typeof where === 'string' ? /parameter \$(\d+)/.exec(where) : null;
  if (parameter && byColumns) {
    // A column's array: the row is the one holding the value the message quotes.
    const value = typeof message === 'string' ? /: "(.*)"$/.exec(message) : null;
    const named = { column: chunk.columns[Number(parameter[1]) - 1]! };
    return value ? { ...named, value: value[1]! } : named;
  }
  if (parameter) {
    const index = Number(parameter[1]) - 1;
    return { row: Math.floor(index / n), column: chunk.columns[index % n]! };
  }
  if (code === '23502' && typeof column === 'string') return { column, nullValue: true };
  const key = typeof detail === 'string' ? /^Key \((.+?)\)=\((.*)\) /.exec(detail) : null;
  if (key) {
    const columns = key[1]!.split(', ').map((c) => c.replace(/^"(.*)"$/, '$1'));
    return {
      ...(columns.length === 1 ? { column: columns[0]! } : {}),
      key: { columns, text: key[2]!, separator: ', ' },
      detail: detail as string,
    };
  }
  const said = typeof detail === 'string' ? { detail } : {};
  // A value too long, a number too large: the value fits the parameter's type, not the column's.
  if (code === '22001' || code === '22003') return { ...(await tooLarge(chunk, lookup)), ...said };
  return said;
}

/** The first value longer than its column's declared length, or larger than its precision. */
async function tooLarge(chunk: Chunk, lookup: SqlQueryable): Promise<Rejection> {
  const [schema, table] = chunk.write.table.includes('.')
    ? chunk.write.table.split('.', 2)
    : [undefined, chunk.write.table];
  const sizes = await lookup.query(
    `SELECT column_name, character_maximum_length AS length,
       CASE WHEN data_type = 'numeric' THEN numeric_precision - numeric_scale END AS digits
     FROM information_schema.columns
     WHERE table_name = $1 AND table_schema = coalesce($2, current_schema())`,
    [table, schema ?? null],
  );
  const { columns, values, rowIndexes } = chunk;
  const n = columns.length;
  const limits = sizes
    .map((s) => ({ j: columns.indexOf(String(s.column_name)), length: s.length, digits: s.digits }))
    .filter((l) => l.j >= 0 && (l.length !== null || l.digits !== null));
  for (let i = 0; i < rowIndexes.length; i++) {
    for (const { j, length, digits } of limits) {
      const v = values[i * n + j];
      if (v === null || v === undefined) continue;
      const tooLong = length !== null && typeof v === 'string' && [...v].length > Number(length);
      const tooBig = digits !== null && Math.abs(Number(v)) >= 10 ** Number(digits);
      if (tooLong || tooBig) return { row: i, column: columns[j]! };
    }
  }
  return {};
}
