// What the SQL sinks' clients share: the process's pools, one per URL and lock timeout,
// ended when a context stops (rdd/stop-hooks.ts); the next write opens a new one.
import { onNextContextStop } from '../../../rdd/stop-hooks.js';
import type { PoolSettings, SqlPool } from './dialect.js';

/** A pool the registry can end. */
export type EndablePool = SqlPool & { end(): Promise<void> };

/** A store's pools in this process. */
export class PoolRegistry {
  private readonly pools = new Map<string, { url: string; pool: Promise<EndablePool> }>();

  /** The pool for `url` with `settings`, made by `make` on first use. */
  get(url: string, settings: PoolSettings, make: () => Promise<EndablePool>): Promise<SqlPool> {
    const key = `${url}\u0000${settings.lockTimeoutMs ?? ''}`;
    let entry = this.pools.get(key);
    if (entry === undefined) {
      const pool = make();
      pool.catch(() => this.pools.delete(key));
      entry = { url, pool };
      this.pools.set(key, entry);
      onNextContextStop(() => this.close(url));
    }
    return entry.pool;
  }

  /** Ends the pools of `url`, if any. */
  async close(url: string): Promise<void> {
    const ending: Promise<EndablePool>[] = [];
    for (const [key, entry] of this.pools) {
      if (entry.url !== url) continue;
      this.pools.delete(key);
      ending.push(entry.pool);
    }
    for (const pool of ending) await (await pool.catch(() => undefined))?.end();
  }
}
