// A row the store rejects (a type, a constraint, a value too long) fails the batch at once, naming
// the row and the column: with thousands of rows in a statement, the server's words alone ("at row
// 734", "parameter $2203") do not tell the user which of their records is wrong. The dialect says
// what the server reported; what it left out is found here, on the client's side.
import { DStreamError, messageOf } from '../../../errors.js';
import type { Rejection, SqlDialect, SqlQueryable, Statement } from './dialect.js';
import { describeRow, valueAt, type Chunk } from './rows.js';

/**
 * The error that fails the batch when `e` is the server rejecting `chunk`'s data, else undefined
 * (then `e` is the store's failure, retried as such).
 */
export async function rejectedRowError(
  dialect: SqlDialect,
  sinkId: string,
  e: unknown,
  chunk: Chunk,
  statement: Statement,
  lookup: SqlQueryable,
): Promise<DStreamError | undefined> {
  // A failed lookup must not hide the server's words: the row is then left unnamed.
  const rejection = await dialect
    .rejection(e, chunk, statement, lookup)
    .catch((): Rejection => ({}));
  if (rejection === undefined) return undefined;
  const { table, rows } = chunk.write;
  const at = rowOf(rejection, chunk);
  const where =
    at === undefined
      ? `a row of the batch for table ${table}`
      : `row ${chunk.rowIndexes[at]} of the batch's ${rows.length} for table ${table} (${describeRow(rows[chunk.rowIndexes[at]!]!)})`;
  const column = rejection.column === undefined ? '' : `, column '${rejection.column}'`;
  return new DStreamError(
    'DSTREAM_ERR_SINK_WRITE',
    `${dialect.store} sink '${sinkId}' could not write the batch (not retried): ${dialect.store} rejected ${where}${column}: ${messageOf(e)}${rejection.detail ? ` (${rejection.detail})` : ''}. Nothing was committed and the stored positions did not move: correct the row (or the table) and run the batch again.`,
    { cause: e },
  );
}

/** The statement's row the rejection is about (0-based), when the server or the rows tell. */
function rowOf(rejection: Rejection, chunk: Chunk): number | undefined {
  if (rejection.row !== undefined) return rejection.row;
  const { columns, values, rowIndexes } = chunk;
  const n = columns.length;
  const inColumn = rejection.nullValue ? null : rejection.value;
  if (inColumn !== undefined && rejection.column !== undefined) {
    const j = columns.indexOf(rejection.column);
    if (j < 0) return undefined;
    for (let i = 0; i < rowIndexes.length; i++) {
      const v = values[i * n + j]!;
      if (inColumn === null ? v === null : v !== null && String(v) === inColumn) return i;
    }
    return undefined;
  }
  if (rejection.key) {
    const { text, separator } = rejection.key;
    const js = rejection.key.columns.map((c) => columns.indexOf(c));
    if (js.some((j) => j < 0)) return undefined;
    const matches: number[] = [];
    for (let i = 0; i < rowIndexes.length; i++) {
      const row = chunk.write.rows[rowIndexes[i]!]!;
      if (js.map((j) => String(valueAt(row, columns, j))).join(separator) === text) matches.push(i);
    }
    // A key twice in the statement: the first was written, the second refused. Once: the table
    // held it already.
    return matches[1] ?? matches[0];
  }
  return undefined;
}
