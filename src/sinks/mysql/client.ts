// mysql2 is an optional peer dependency: only this subpath loads it, on first use, so `dstream`
// without MySQL never needs it installed. One pool per connection URL (and lock timeout) per
// process, shared by every sink on that URL; writes happen on the driver only
// (docs/architecture.md, Sinks: SQL), so task threads never open one.
import type { Pool, PoolConnection } from 'mysql2/promise';
import type { PoolSettings, ResultRow, SqlPool, SqlQueryable } from '../core/sql/index.js';
import type { SqlParameter } from '../core/sql/index.js';
import { optionalPeer } from '../core/optional-peer.js';
import { PoolRegistry, type EndablePool } from '../core/sql/pools.js';

const loadMySql = optionalPeer('dstream/sinks/mysql', { name: 'mysql2', spec: 'mysql2@3' }, () =>
  // CommonJS: Node gives its exports as the default export.
  import('mysql2/promise').then((m) => m.default ?? m),
);

const pools = new PoolRegistry();

/** The process's pool for `url` with `settings`, made on first use and ended when a context stops. */
export function poolFor(url: string, settings: PoolSettings): Promise<SqlPool> {
  return pools.get(url, settings, async () => {
    const mysql = await loadMySql();
    const made = mysql.createPool({
      uri: url,
      connectionLimit: settings.size,
      // Big integers and decimals read back as text, exactly (the positions are bigints).
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    return sqlPool(made, settings);
  });
}

/** Ends the pools of `url`, if any. */
export const closePools = (url: string): Promise<void> => pools.close(url);

async function query(
  on: Pool | PoolConnection,
  text: string,
  values?: readonly SqlParameter[],
): Promise<readonly ResultRow[]> {
  // query, not execute: values are escaped into the text on the client, one round trip per
  // statement (execute would prepare each new statement shape first).
  const [rows] = await on.query(text, values as SqlParameter[] | undefined);
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
