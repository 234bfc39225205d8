// mysql2 is an optional peer dependency: only this subpath loads it, on first use, so `dstream`
// without MySQL never needs it installed. One pool per connection URL per process, shared by every
// sink on that URL; writes happen on the driver only (docs/architecture.md, Sinks: SQL), so task
// threads never open one. A context's stop ends the pools; the next write opens a new one.
import type { Pool, PoolConnection } from 'mysql2/promise';
import { DStreamError, messageOf } from '../../errors.js';
import { onNextContextStop } from '../../rdd/stop-hooks.js';
import type { PoolSettings, ResultRow, SqlPool, SqlQueryable } from '../core/sql/index.js';
import type { SqlValue } from '../core/sql/index.js';

type MySqlModule = typeof import('mysql2/promise');

let loaded: Promise<MySqlModule> | undefined;

/** The client library, imported once; a clear error when it is not installed. */
function loadMySql(): Promise<MySqlModule> {
  loaded ??= import('mysql2/promise').then(
    // mysql2 is CommonJS: Node gives its exports as the default export.
    (m) => (m as MySqlModule & { default?: MySqlModule }).default ?? m,
    (e: unknown) => {
      loaded = undefined;
      throw new DStreamError(
        'DSTREAM_ERR_SINK_CLIENT_MISSING',
        `dstream/sinks/mysql needs the optional package mysql2: npm install mysql2@3 (${messageOf(e)})`,
        { cause: e },
      );
    },
  );
  return loaded;
}

type EndablePool = SqlPool & { end(): Promise<void> };

const pools = new Map<string, { url: string; pool: Promise<EndablePool> }>();

/** The process's pool for `url` with `settings`, made on first use and ended when a context stops. */
export function poolFor(url: string, settings: PoolSettings): Promise<SqlPool> {
  const key = `${url}\u0000${settings.lockTimeoutMs ?? ''}`;
  let entry = pools.get(key);
  if (entry === undefined) {
    const pool = loadMySql().then((mysql) =>
      sqlPool(
        mysql.createPool({
          uri: url,
          connectionLimit: settings.size,
          // Big integers and decimals read back as text, exactly (the positions are bigints).
          supportBigNumbers: true,
          bigNumberStrings: true,
        }),
        settings,
      ),
    );
    pool.catch(() => pools.delete(key));
    entry = { url, pool };
    pools.set(key, entry);
    onNextContextStop(() => closePools(url));
  }
  return entry.pool;
}

/** Ends the pools of `url`, if any. */
export async function closePools(url: string): Promise<void> {
  const ending: Promise<EndablePool>[] = [];
  for (const [key, entry] of pools) {
    if (entry.url !== url) continue;
    pools.delete(key);
    ending.push(entry.pool);
  }
  for (const pool of ending) await (await pool.catch(() => undefined))?.end();
}

async function query(
  on: Pool | PoolConnection,
  text: string,
  values?: readonly SqlValue[],
): Promise<readonly ResultRow[]> {
  // query, not execute: values are escaped into the text on the client, one round trip per
  // statement (execute would prepare each new statement shape first).
  const [rows] = await on.query(text, values as SqlValue[] | undefined);
  return Array.isArray(rows) ? (rows as ResultRow[]) : [];
}

function sqlPool(pool: Pool, settings: PoolSettings): EndablePool {
  // MySQL waits in whole seconds: innodb_lock_wait_timeout for a locked row, lock_wait_timeout
  // for a locked table (LOCK TABLES, DDL).
  const seconds =
    settings.lockTimeoutMs === undefined
      ? undefined
      : Math.max(1, Math.ceil(settings.lockTimeoutMs / 1000));
  return {
    query: (text, values) => query(pool, text, values),
    end: () => pool.end(),
    async inTransaction(work) {
      const connection = await pool.getConnection();
      const on: SqlQueryable = { query: (text, values) => query(connection, text, values) };
      try {
        if (seconds !== undefined) {
          await connection.query(
            `SET SESSION innodb_lock_wait_timeout = ${seconds}, lock_wait_timeout = ${seconds}`,
          );
        }
        await connection.beginTransaction();
        const { value, rollback } = await work(on);
        await (rollback ? connection.rollback() : connection.commit());
        connection.release();
        return value;
      } catch (e) {
        // A connection that cannot even roll back is broken: dropped, not reused.
        await connection.rollback().then(
          () => connection.release(),
          () => connection.destroy(),
        );
        throw e;
      }
    },
  };
}
