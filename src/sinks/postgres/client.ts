// pg is an optional peer dependency: only this subpath loads it, on first use, so `dstream`
// without PostgreSQL never needs it installed. One pool per connection URL per process, shared by
// every sink on that URL; writes happen on the driver only (docs/architecture.md, Sinks:
// PostgreSQL), so task threads never open one. A context's stop ends the pools; the next write
// opens a new one.
import type { Pool, PoolClient } from 'pg';
import { onNextContextStop } from '../../rdd/stop-hooks.js';
import { optionalPeer } from '../core/index.js';

type PgModule = typeof import('pg');

/** The client library, imported once; a clear error when it is not installed. */
const loadPg = optionalPeer('dstream/sinks/postgres', { name: 'pg', spec: 'pg@8' }, () =>
  // pg is CommonJS: Node gives its exports as the default export.
  import('pg').then((m) => (m as PgModule & { default?: PgModule }).default ?? m),
);

const pools = new Map<string, Promise<Pool>>();

/** The process's pool for `url`, made on first use and ended when a context stops. */
export function poolFor(url: string, max: number): Promise<Pool> {
  let pool = pools.get(url);
  if (pool === undefined) {
    pool = loadPg().then((pg) => {
      // allowExitOnIdle: idle connections do not keep a finished application's process alive.
      const made = new pg.Pool({ connectionString: url, max, allowExitOnIdle: true });
      // An idle connection the server drops (a restart) must not crash the process; the next
      // checkout opens a new one.
      made.on('error', () => undefined);
      return made;
    });
    pool.catch(() => pools.delete(url));
    pools.set(url, pool);
    onNextContextStop(() => closePool(url));
  }
  return pool;
}

/** Ends the pool of `url`, if any. */
export async function closePool(url: string): Promise<void> {
  const pool = pools.get(url);
  pools.delete(url);
  if (pool) await (await pool.catch(() => undefined))?.end();
}

/**
 * Runs `work` in one transaction on a connection of `pool`: committed when it resolves, rolled back
 * when it throws or resolves `rollback: true`. A failed connection is dropped from the pool.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<{ value: T; rollback?: boolean }>,
): Promise<T> {
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await client.query('BEGIN');
    const { value, rollback } = await work(client);
    await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
    return value;
  } catch (e) {
    failed = e instanceof Error ? e : new Error(String(e));
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release(failed);
  }
}

/**
 * Whether trying again may help: not for what the data or the schema is (SQLSTATE classes 22 data
 * exception, 23 integrity constraint, 42 syntax or undefined table/column), which would fail the
 * same way; yes for connections refused or lost, authentication, shutdowns, deadlocks.
 */
export function isRetryable(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return !(typeof code === 'string' && /^(22|23|42)/.test(code));
}
