// A batch's rows as multi-row statements: one INSERT per chunk of rows, never one round trip per
// record. What every SQL store shares: which columns, the values in the columns' order, and the
// chunks (a store's dialect writes each chunk's text). A chunk never holds a key twice: PostgreSQL
// refuses an `ON CONFLICT DO UPDATE` that touches one row twice (MySQL applies the rows in turn,
// which the same chunks give too), so a later row with the same key goes to a later statement,
// which applies after: last wins for upsert, both add for addTo.
import { DStreamError } from '../../../errors.js';

/** A value of a column, as the clients send it. */
export type SqlValue = string | number | bigint | boolean | Date | Uint8Array | null;

/** A row: values in the order of the write's columns, or an object of column → value. */
export type Row = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;

/** One table write of a batch. */
export interface TableWrite {
  /** The table written. */
  readonly table: string;
  /**
   * How rows are written: inserted, upserted on `keys`, or added to the numeric columns of rows with the same `keys`.
   */
  readonly mode: 'insert' | 'upsert' | 'addTo';
  /** The rows, as arrays (in `columns` order) or objects. */
  readonly rows: readonly Row[];
  /** The columns, in the order of array rows; from the first object row when not given. */
  readonly columns?: readonly string[];
  /** upsert and addTo: the columns of the conflict target (a primary key or unique index). */
  readonly keys?: readonly string[];
  /** addTo: the columns the row's values are added to. */
  readonly totals?: readonly string[];
}

/** One statement's rows: which write, which columns, and where each row is in the batch. */
export interface Chunk {
  readonly write: TableWrite;
  readonly columns: readonly string[];
  /** The rows' values, flat: row i's column j at `i * columns.length + j`. */
  readonly values: SqlValue[];
  /** The index in `write.rows` of each of the chunk's rows. */
  readonly rowIndexes: readonly number[];
}

/** The statements' limits of a store. */
export interface ChunkLimits {
  /** The most parameters a statement may carry (65535 for both PostgreSQL and MySQL). */
  readonly maxParameters: number;
  /** The most rows per statement. */
  readonly maxRows: number;
  /**
   * About the most bytes of values per statement (strings counted at 3 bytes a character, as
   * UTF-8 may take): a statement must stay under the server's packet size (MySQL's
   * max_allowed_packet). A row is never split: a chunk holds at least one.
   */
  readonly maxBytes?: number;
}

/** The chunks of `write`, in the order they must run; `store` names the sink in errors. */
export function chunksOf(write: TableWrite, limits: ChunkLimits, store: string): Chunk[] {
  if (write.rows.length === 0) return [];
  const columns = columnsOf(write, store);
  for (const c of [...(write.keys ?? []), ...(write.totals ?? [])]) {
    if (!columns.includes(c)) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `${store} sink: column '${c}' of ${write.table} is not among the row's columns (${columns.join(', ')})`,
      );
    }
  }
  const perChunk = Math.max(
    1,
    Math.min(limits.maxRows, Math.floor(limits.maxParameters / columns.length)),
  );
  const keyIndexes = (write.keys ?? []).map((k) => columns.indexOf(k));
  const order = keyIndexes.length === 0 ? undefined : rounds(write.rows, columns, keyIndexes);
  const chunks: Chunk[] = [];
  const total = write.rows.length;
  const maxBytes = limits.maxBytes ?? Infinity;
  for (let start = 0; start < total;) {
    const end = Math.min(total, start + perChunk);
    const values: SqlValue[] = [];
    const rowIndexes: number[] = [];
    let bytes = 0;
    let k = start;
    // The hot path: values go straight into the flat array, no array or closure per row.
    for (; k < end && bytes < maxBytes; k++) {
      const index = order === undefined ? k : order[k]!;
      bytes += pushValues(values, write.rows[index]!, columns, write.table, store);
      rowIndexes.push(index);
    }
    chunks.push({ write, columns, values, rowIndexes });
    start = k;
  }
  if (order !== undefined) return splitRounds(chunks, order, write.rows, columns, keyIndexes);
  return chunks;
}

function columnsOf(write: TableWrite, store: string): readonly string[] {
  if (write.columns) return write.columns;
  const first = write.rows[0]!;
  if (Array.isArray(first)) {
    if (write.mode === 'addTo' && write.keys && write.totals)
      return [...write.keys, ...write.totals];
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `${store} sink: rows of ${write.table} are arrays: name their columns with { columns: [...] }`,
    );
  }
  return Object.keys(first);
}

/** The value of `row` in column `j` of `columns` (undefined when the row has none). */
export function valueAt(row: Row, columns: readonly string[], j: number): SqlValue | undefined {
  return Array.isArray(row)
    ? (row as readonly SqlValue[])[j]
    : (row as Readonly<Record<string, SqlValue>>)[columns[j]!];
}

function pushValues(
  into: SqlValue[],
  row: Row,
  columns: readonly string[],
  table: string,
  store: string,
): number {
  const n = columns.length;
  if (Array.isArray(row) && row.length !== n) badRow(row, columns, table, store);
  let bytes = 0;
  for (let j = 0; j < n; j++) {
    const v = valueAt(row, columns, j);
    if (v === undefined) badRow(row, columns, table, store);
    // As text a bigint never loses digits, whatever the client does with it.
    into.push(typeof v === 'bigint' ? v.toString() : v);
    // The row's size in the statement, about: UTF-8 at its widest, bytes escaped as hex.
    bytes += typeof v === 'string' ? 3 * v.length : v instanceof Uint8Array ? 2 * v.byteLength : 24;
  }
  return bytes;
}

function badRow(row: Row, columns: readonly string[], table: string, store: string): never {
  throw new DStreamError(
    'DSTREAM_ERR_INVALID_ARGUMENT',
    `${store} sink: a row of ${table} does not have the columns ${columns.join(', ')}: ${describeRow(row)}`,
  );
}

/** A row as JSON, bigints as their digits, shortened to `max` characters. */
export function describeRow(row: Row, max = 200): string {
  const text = JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The key of a row for chunking: its key columns' values, typed. */
function keyOf(row: Row, columns: readonly string[], keyIndexes: readonly number[]): string {
  let key = '';
  for (const i of keyIndexes) {
    const v = valueAt(row, columns, i);
    key += `${typeof v}:${String(v)}\u0000`;
  }
  return key;
}

/**
 * The rows' order for chunking when keys matter: the n-th occurrence of a key goes to the n-th
 * round, and rounds are written in order. Returns the row indexes round after round.
 */
function rounds(rows: readonly Row[], columns: readonly string[], keyIndexes: number[]): number[] {
  const seen = new Map<string, number>();
  const byRound: number[][] = [];
  for (let i = 0; i < rows.length; i++) {
    const key = keyOf(rows[i]!, columns, keyIndexes);
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (byRound[round] ??= []).push(i);
  }
  return byRound.length === 1 ? byRound[0]! : byRound.flat();
}

/** Chunks that never hold a key twice: a chunk is cut where the next round starts. */
function splitRounds(
  chunks: Chunk[],
  order: readonly number[],
  rows: readonly Row[],
  columns: readonly string[],
  keyIndexes: number[],
): Chunk[] {
  const out: Chunk[] = [];
  for (const chunk of chunks) {
    const seen = new Set<string>();
    let from = 0;
    const n = columns.length;
    chunk.rowIndexes.forEach((index, i) => {
      const key = keyOf(rows[index]!, columns, keyIndexes);
      if (seen.has(key)) {
        out.push(slice(chunk, from, i, n));
        seen.clear();
        from = i;
      }
      seen.add(key);
    });
    out.push(from === 0 ? chunk : slice(chunk, from, chunk.rowIndexes.length, n));
  }
  return out;
}

function slice(chunk: Chunk, from: number, to: number, n: number): Chunk {
  return {
    ...chunk,
    values: chunk.values.slice(from * n, to * n),
    rowIndexes: chunk.rowIndexes.slice(from, to),
  };
}
