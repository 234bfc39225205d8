// pg is an optional peer dependency: only this subpath loads it, on first use, so `dstream`
// without PostgreSQL never needs it installed. One pool per connection URL (and lock timeout) per
// process, shared by every sink on that URL; writes happen on the driver only
// (docs/architecture.md, Sinks: SQL), so task threads never open one.
import type { Pool, PoolClient } from 'pg';
import type { PoolSettings, ResultRow, SqlPool, SqlQueryable } from '../core/sql/index.js';
import type { SqlParameter } from '../core/sql/index.js';
import { optionalPeer } from '../core/optional-peer.js';
import { PoolRegistry, type EndablePool } from '../core/sql/pools.js';

const loadPg = optionalPeer('dstream/sinks/postgres', { name: 'pg', spec: 'pg@8' }, () =>
  // CommonJS: Node gives its exports as the default export.
  import('pg').then((m) => m.default ?? m),
);

const pools = new PoolRegistry();

/** The process's pool for `url` with `settings`, made on first use and ended when a context stops. */
export function poolFor(url: string, settings: PoolSettings): Promise<SqlPool> {
  return pools.get(url, settings, async () => {
    const pg = await loadPg();
    // allowExitOnIdle: idle connections do not keep a finished application's process alive.
    const made = new pg.Pool({ connectionString: url, max: settings.size, allowExitOnIdle: true });
    // An idle connection the server drops (a restart) must not crash the process; the next
    // checkout opens a new one.
    made.on('error', () => undefined);
    if (settings.lockTimeoutMs !== undefined) {
      const ms = Math.max(1, Math.round(settings.lockTimeoutMs));
      // Queued before any statement of the connection's first checkout.
      made.on(
        'connect',
        (client) => void client.query(`SET lock_timeout = ${ms}`).catch(() => undefined),
      );
    }
    return sqlPool(made);
  });
}

/** Ends the pools of `url`, if any. */
export const closePools = (url: string): Promise<void> => pools.close(url);

async function query(
  on: Pool | PoolClient,
  text: string,
  values?: readonly SqlParameter[],
): Promise<readonly ResultRow[]> {
  return (await on.query<ResultRow>(text, values as unknown[] | undefined)).rows;
}

function sqlPool(pool: Pool): EndablePool {
  return {
    query: (text, values) => query(pool, text, values),
    end: () => pool.end(),
    async inTransaction(work) {
      const client = await pool.connect();
      const connection: SqlQueryable = { query: (text, values) => query(client, text, values) };
      let failed: Error | undefined;
      try {
        await client.query('BEGIN');
        const { value, rollback } = await work(connection);
        await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
        return value;
      } catch (e) {
        failed = e instanceof Error ? e : new Error(String(e));
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        // A connection that failed is dropped from the pool, not reused.
        client.release(failed);
      }
    },
  };
}
