// pg is an optional peer dependency: only this subpath loads it, on first use, so `dstream`
// without PostgreSQL never needs it installed. One pool per connection URL (and lock timeout) per
// process, shared by every sink on that URL; writes happen on the driver only
// (docs/architecture.md, Sinks: SQL), so task threads never open one. A context's stop ends the
// pools; the next write opens a new one.
import type { Pool, PoolClient } from 'pg';
import { DStreamError, messageOf } from '../../errors.js';
import { onNextContextStop } from '../../rdd/stop-hooks.js';
import type { PoolSettings, ResultRow, SqlPool, SqlQueryable } from '../core/sql/index.js';
import type { SqlValue } from '../core/sql/index.js';

type PgModule = typeof import('pg');

let loaded: Promise<PgModule> | undefined;

/** The client library, imported once; a clear error when it is not installed. */
function loadPg(): Promise<PgModule> {
  loaded ??= import('pg').then(
    // pg is CommonJS: Node gives its exports as the default export.
    (m) => (m as PgModule & { default?: PgModule }).default ?? m,
    (e: unknown) => {
      loaded = undefined;
      throw new DStreamError(
        'DSTREAM_ERR_SINK_CLIENT_MISSING',
        `dstream/sinks/postgres needs the optional package pg: npm install pg@8 (${messageOf(e)})`,
        { cause: e },
      );
    },
  );
  return loaded;
}

const pools = new Map<string, { url: string; pool: Promise<EndablePool> }>();

/** The process's pool for `url` with `settings`, made on first use and ended when a context stops. */
export function poolFor(url: string, settings: PoolSettings): Promise<SqlPool> {
  const key = `${url}\u0000${settings.lockTimeoutMs ?? ''}`;
  let entry = pools.get(key);
  if (entry === undefined) {
    const pool = loadPg().then((pg) => {
      // allowExitOnIdle: idle connections do not keep a finished application's process alive.
      const made = new pg.Pool({
        connectionString: url,
        max: settings.size,
        allowExitOnIdle: true,
      });
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

type EndablePool = SqlPool & { end(): Promise<void> };

function sqlPool(pool: Pool): EndablePool {
  const query = async (on: Pool | PoolClient, text: string, values?: readonly SqlValue[]) =>
    (await on.query<ResultRow>(text, values as unknown[] | undefined)).rows;
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
        client.release(failed);
      }
    },
  };
}
