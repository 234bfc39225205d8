// MySQL's and MariaDB's SQL for the shared sink: `?` parameters, `ON DUPLICATE KEY UPDATE`, error
// numbers, and where their errors put the rejected value (`at row N`, a column, a key's entry).
import { quoteIdentifier } from '../core/sql/index.js';
import type { Chunk, Rejection, SqlDialect, SqlQueryable, Statement } from '../core/sql/index.js';
import { closePools, poolFor } from './client.js';

/** `` `name` ``, or `` `schema`.`name` ``, quoted so that any name works and none injects SQL. */
export function identifier(name: string): string {
  return quoteIdentifier(name, '`');
}

/** The fields of mysql2's errors. */
interface MySqlError {
  errno?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  message?: unknown;
}

/**
 * Errors about the data or the schema, which would fail the same way again: bad null (1048), no
 * default (1364), duplicate entry (1062), out of range (1264), truncated (1265), bad date (1292),
 * bad value (1366), too long (1406), foreign keys (1451, 1452), CHECK (3819 MySQL, 4025 MariaDB).
 */
const DATA_ERRORS = new Set([
  1048, 1062, 1264, 1265, 1292, 1364, 1366, 1406, 1451, 1452, 3819, 4025,
]);

export const mysql: SqlDialect = {
  store: 'MySQL',
  sinkName: 'MySqlSink',
  // The placeholders are filled on the client (mysql2's query), so 65535 is not the server's limit
  // here. Statements of up to 10,000 rows run at the rate of the client's own multi-row INSERT
  // (1000 rows: about 55 % of it; bench/RESULTS.md, Sinks); 4 MiB of values keeps one well below
  // max_allowed_packet (16 MiB by default on MariaDB, 64 MiB on MySQL 8) whatever the rows hold.
  limits: { maxParameters: 65535, maxRows: 10_000, maxBytes: 4 << 20 },
  pool: poolFor,
  closePools,
  identifier,
  placeholder: () => '?',
  statement,
  positionsTables: [
    `CREATE TABLE IF NOT EXISTS dstream_offsets (
      sink_id varchar(255) NOT NULL, topic varchar(255) NOT NULL, kafka_partition int NOT NULL,
      until_offset bigint NOT NULL, PRIMARY KEY (sink_id, topic, kafka_partition)) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS dstream_batch_times (
      sink_id varchar(255) NOT NULL PRIMARY KEY, batch_time bigint NOT NULL) ENGINE=InnoDB`,
  ],
  isRetryable: (e) => !isDataOrSchema(e),
  rejection,
};

/** Not retried: SQLSTATE classes 22 (data), 23 (constraint), 42 (syntax, unknown table or column). */
function isDataOrSchema(e: unknown): boolean {
  const { errno, sqlState } = e as MySqlError;
  return (
    (typeof errno === 'number' && DATA_ERRORS.has(errno)) ||
    (typeof sqlState === 'string' && /^(22|23|42)/.test(sqlState))
  );
}

function statement({ write, columns, rowIndexes, values }: Chunk): Statement {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const tuples = new Array<string>(rowIndexes.length).fill(tuple).join(', ');
  let text = `INSERT INTO ${identifier(write.table)} (${columns.map(identifier).join(', ')}) VALUES ${tuples}`;
  // VALUES(c) is the row that was to be inserted: MariaDB has no `AS new` alias (MySQL 8.0.19+),
  // and MySQL still takes VALUES().
  if (write.mode === 'upsert') {
    const others = columns.filter((c) => !write.keys!.includes(c)).map(identifier);
    // Keys only: nothing to update, and INSERT IGNORE would hide every other error too.
    const set = others.length === 0 ? [identifier(write.keys![0]!)] : others;
    text += ` ON DUPLICATE KEY UPDATE ${set.map((c) => `${c} = VALUES(${c})`).join(', ')}`;
  } else if (write.mode === 'addTo') {
    const totals = write.totals!.map(identifier);
    text += ` ON DUPLICATE KEY UPDATE ${totals.map((c) => `${c} = ${c} + VALUES(${c})`).join(', ')}`;
  }
  return { text, values };
}

/**
 * A bad value names its column and its row within the statement (`Incorrect integer value: 'x' for
 * column `db`.`t`.`k` at row 3`, `Data too long for column 'name' at row 3`); a NOT NULL violation
 * its column; a duplicate entry its value and its index (`Duplicate entry '1-2' for key
 * 'PRIMARY'`), whose columns the table's definition tells.
 */
async function rejection(
  e: unknown,
  chunk: Chunk,
  _statement: Statement,
  lookup: SqlQueryable,
): Promise<Rejection | undefined> {
  if (!isDataOrSchema(e)) return undefined;
  const { errno, sqlMessage, message } = e as MySqlError;
  const said = String(sqlMessage ?? message);
  const at = /for column (.+?) at row (\d+)/.exec(said);
  if (at) return { row: Number(at[2]) - 1, column: unquoted(at[1]!) };
  const nulled = errno === 1048 ? /^Column (.+) cannot be null/.exec(said) : null;
  if (nulled) return { column: unquoted(nulled[1]!), nullValue: true };
  const duplicate = errno === 1062 ? /^Duplicate entry '(.*)' for key '(.+)'$/.exec(said) : null;
  if (duplicate) {
    const columns = await indexColumns(chunk.write.table, unquoted(duplicate[2]!), lookup);
    return {
      ...(columns.length === 1 ? { column: columns[0]! } : {}),
      key: { columns, text: duplicate[1]!, separator: '-' },
    };
  }
  return {};
}

/** The last part of a (qualified) quoted name: `` `db`.`t`.`k` `` → `k`, `'t.PRIMARY'` → `PRIMARY`. */
function unquoted(name: string): string {
  const last = name.replace(/^['`"]|['`"]$/g, '').split(/['`"]?\.['`"]?/);
  return last[last.length - 1]!;
}

async function indexColumns(table: string, index: string, lookup: SqlQueryable): Promise<string[]> {
  const [schema, name] = table.includes('.') ? table.split('.', 2) : [undefined, table];
  const rows = await lookup.query(
    `SELECT column_name AS c FROM information_schema.statistics
     WHERE table_schema = coalesce(?, DATABASE()) AND table_name = ? AND index_name = ?
     ORDER BY seq_in_index`,
    [schema ?? null, name, index],
  );
  return rows.map((r) => String(r.c));
}
