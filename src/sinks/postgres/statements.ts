// Multi-row statements for a batch's rows: one INSERT per chunk of rows, never one round trip per
// record. PostgreSQL takes at most 65535 parameters per statement, and an INSERT ... ON CONFLICT
// DO UPDATE may not touch one row twice, so a chunk never holds a key twice: a later row with the
// same key goes to a later statement, which applies after (last wins for upsert, both add for addTo).
import { DStreamError } from '../../errors.js';

/** A value of a column: what pg sends as a parameter. */
export type SqlValue = string | number | bigint | boolean | Date | Uint8Array | null;

/** A row: values in the order of the write's columns, or an object of column → value. */
export type Row = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;

/** One table write of a batch. */
export interface TableWrite {
  readonly table: string;
  readonly mode: 'insert' | 'upsert' | 'addTo';
  readonly rows: readonly Row[];
  /** The columns, in the order of array rows; from the first object row when not given. */
  readonly columns?: readonly string[];
  /** upsert and addTo: the columns of the conflict target (a primary key or unique index). */
  readonly keys?: readonly string[];
  /** addTo: the columns the row's values are added to. */
  readonly totals?: readonly string[];
}

export interface Statement {
  readonly text: string;
  readonly values: SqlValue[];
}

const MAX_PARAMETERS = 65535;
const MAX_ROWS = 1000;

/** `"name"`, or `"schema"."name"`, quoted so that any name works and none injects SQL. */
export function identifier(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');
}

/** The statements that write `write`, in order. */
export function statementsFor(write: TableWrite): Statement[] {
  if (write.rows.length === 0) return [];
  const columns = columnsOf(write);
  const keys = write.keys ?? [];
  for (const c of [...keys, ...(write.totals ?? [])]) {
    if (!columns.includes(c)) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `PostgreSQL sink: column '${c}' of ${write.table} is not among the row's columns (${columns.join(', ')})`,
      );
    }
  }
  const matrix = write.rows.map((row) => valuesOf(row, columns, write.table));
  const perStatement = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / columns.length)));
  const keyIndexes = keys.map((k) => columns.indexOf(k));
  return chunks(matrix, perStatement, keyIndexes).map((rows) => statement(write, columns, rows));
}

function columnsOf(write: TableWrite): readonly string[] {
  if (write.columns) return write.columns;
  const first = write.rows[0]!;
  if (Array.isArray(first)) {
    if (write.mode === 'addTo' && write.keys && write.totals)
      return [...write.keys, ...write.totals];
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `PostgreSQL sink: rows of ${write.table} are arrays: name their columns with { columns: [...] }`,
    );
  }
  return Object.keys(first);
}

function valuesOf(row: Row, columns: readonly string[], table: string): SqlValue[] {
  const values = Array.isArray(row)
    ? (row as readonly SqlValue[])
    : columns.map((c) => (row as Readonly<Record<string, SqlValue>>)[c]);
  if (values.length !== columns.length || values.some((v) => v === undefined)) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `PostgreSQL sink: a row of ${table} does not have the columns ${columns.join(', ')}: ${describe(row)}`,
    );
  }
  // pg would send a bigint as a number's text anyway; as a string it never loses digits.
  return (values as readonly SqlValue[]).map((v) => (typeof v === 'bigint' ? v.toString() : v));
}

function describe(row: Row): string {
  return JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Rows split into chunks of at most `size`, none holding the same key twice. */
function chunks(rows: SqlValue[][], size: number, keyIndexes: number[]): SqlValue[][][] {
  if (keyIndexes.length === 0) {
    const out: SqlValue[][][] = [];
    for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
    return out;
  }
  // The n-th occurrence of a key goes to the n-th round; rounds are written in order.
  const rounds: SqlValue[][][] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const key = keyIndexes.map((i) => `${typeof row[i]}:${String(row[i])}`).join('\u0000');
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (rounds[round] ??= []).push(row);
  }
  return rounds.flatMap((round) => chunks(round, size, []));
}

function statement(write: TableWrite, columns: readonly string[], rows: SqlValue[][]): Statement {
  const table = identifier(write.table);
  const values: SqlValue[] = [];
  const tuples = rows.map((row) => {
    const start = values.length;
    values.push(...row);
    return `(${row.map((_, i) => `$${start + i + 1}`).join(', ')})`;
  });
  // The alias names the stored row in DO UPDATE whatever the table's (schema-qualified) name.
  let text = `INSERT INTO ${table} AS dstream_target (${columns.map(identifier).join(', ')}) VALUES ${tuples.join(', ')}`;
  const keys = (write.keys ?? []).map(identifier);
  if (write.mode === 'upsert') {
    const others = columns.filter((c) => !write.keys!.includes(c)).map(identifier);
    text +=
      others.length === 0
        ? ` ON CONFLICT (${keys.join(', ')}) DO NOTHING`
        : ` ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${others.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
  } else if (write.mode === 'addTo') {
    const totals = write.totals!.map(identifier);
    text += ` ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${totals.map((c) => `${c} = dstream_target.${c} + EXCLUDED.${c}`).join(', ')}`;
  }
  return { text, values };
}
