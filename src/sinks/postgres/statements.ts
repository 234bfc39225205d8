// PostgreSQL's statements for a chunk. The fast form sends each column as one array parameter,
// `INSERT ... SELECT * FROM unnest($1::int[], $2::text[], ...)`: the server parses three
// parameters instead of 3000, and the write runs twice as fast as `VALUES ($1, $2, $3), ...`
// (bench/sinks/postgres.ts). It needs each column's type for the casts, read once per table from
// the catalog; a table with a column unnest cannot carry (an array, bytea, a composite) keeps
// the VALUES form, as do the sink's own positions.
import { quoteIdentifier } from '../core/sql/index.js';
import type { Chunk, SqlQueryable, SqlValue, Statement } from '../core/sql/index.js';

/** `"name"`, or `"schema"."name"`, quoted so that any name works and none injects SQL. */
export function identifier(name: string): string {
  return quoteIdentifier(name, '"');
}

/**
 * The types of `table`'s columns that unnest can carry, without their modifiers: a cast to
 * `varchar(5)` would cut a longer value silently, where the column itself rejects it.
 */
export async function columnTypes(
  lookup: SqlQueryable,
  table: string,
): Promise<ReadonlyMap<string, string>> {
  const rows = await lookup.query(
    `SELECT a.attname AS name, format_type(a.atttypid, NULL) AS type
     FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
     WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
       AND t.typcategory NOT IN ('A', 'C') AND t.typname <> 'bytea'`,
    [identifier(table)],
  );
  return new Map(rows.map((r) => [String(r.name), String(r.type)]));
}

/** The statement that writes `chunk`: by columns when `types` has every column, else by rows. */
export function statement(chunk: Chunk, types?: ReadonlyMap<string, string>): Statement {
  const { write, columns } = chunk;
  const byColumns = types !== undefined && columns.every((c) => types.has(c));
  const head = `INSERT INTO ${identifier(write.table)} AS dstream_target (${columns.map(identifier).join(', ')})`;
  const { text, values } = byColumns ? unnest(chunk, types) : rows(chunk);
  return { text: `${head} ${text}${onConflict(chunk)}`, values, byColumns };
}

function unnest({ columns, values }: Chunk, types: ReadonlyMap<string, string>) {
  const n = columns.length;
  const byColumn: SqlValue[][] = columns.map(() => []);
  for (let k = 0; k < values.length; k++) byColumn[k % n]!.push(values[k]!);
  const casts = columns.map((c, j) => `$${j + 1}::${types.get(c)!}[]`);
  return { text: `SELECT * FROM unnest(${casts.join(', ')})`, values: byColumn };
}

function rows({ columns, rowIndexes, values }: Chunk) {
  const n = columns.length;
  const tuples: string[] = [];
  for (let i = 0, p = 1; i < rowIndexes.length; i++) {
    let tuple = `($${p++}`;
    for (let j = 1; j < n; j++) tuple += `, $${p++}`;
    tuples.push(`${tuple})`);
  }
  return { text: `VALUES ${tuples.join(', ')}`, values };
}

/** The upsert's or addTo's clause; the alias names the stored row whatever the table's name. */
function onConflict({ write, columns }: Chunk): string {
  const keys = (write.keys ?? []).map(identifier).join(', ');
  if (write.mode === 'upsert') {
    const others = columns.filter((c) => !write.keys!.includes(c)).map(identifier);
    return others.length === 0
      ? ` ON CONFLICT (${keys}) DO NOTHING`
      : ` ON CONFLICT (${keys}) DO UPDATE SET ${others.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
  }
  if (write.mode === 'addTo') {
    const totals = write.totals!.map(identifier);
    return ` ON CONFLICT (${keys}) DO UPDATE SET ${totals.map((c) => `${c} = dstream_target.${c} + EXCLUDED.${c}`).join(', ')}`;
  }
  return '';
}
