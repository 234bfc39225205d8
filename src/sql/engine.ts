// The session's one DuckDB in-memory database and its one connection, opened on the first action.
// Actions run one at a time (a promise chain), so that registering views, loading a DataFrame's
// rows and running its query never interleave with another action's.
import type * as DuckDB from '@duckdb/node-api';
import { DStreamError, messageOf } from '../errors.js';
import { optionalPeer } from '../util/optional-peer.js';
import type { DuckDBModule } from './values.js';

/** `@duckdb/node-api`, an optional peer dependency, loaded on the first action of any session. */
export const loadDuckDB = optionalPeer<DuckDBModule>(
  'dstream/sql',
  { name: '@duckdb/node-api', spec: '@duckdb/node-api' },
  () => import('@duckdb/node-api'),
  'DSTREAM_ERR_SQL_ENGINE_MISSING',
);

export interface Engine {
  readonly duckdb: DuckDBModule;
  readonly connection: DuckDB.DuckDBConnection;
}

/** A query DuckDB refused, as DSTREAM_ERR_SQL with the query and DuckDB's message. */
export function sqlError(query: string, e: unknown): DStreamError {
  return new DStreamError(
    'DSTREAM_ERR_SQL',
    `${messageOf(e)}\n== SQL ==\n${query}\n(DuckDB runs dstream/sql's queries: check the query ` +
      'against the views registered with createOrReplaceTempView)',
    { cause: e },
  );
}

export class SqlEngine {
  private opened: Promise<{ engine: Engine; instance: DuckDB.DuckDBInstance }> | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private stopped = false;

  /** Runs `action` after every action queued before it, on the open database. */
  serial<T>(action: (engine: Engine) => Promise<T>): Promise<T> {
    if (this.stopped) {
      return Promise.reject(
        new DStreamError(
          'DSTREAM_ERR_SQL_SESSION_STOPPED',
          'this SparkSession has been stopped: call SparkSession.builder().getOrCreate() for a new one',
        ),
      );
    }
    const run = this.tail.then(
      async () => action((await this.open()).engine),
      async () => action((await this.open()).engine),
    );
    this.tail = run.catch(() => undefined);
    return run;
  }

  private open(): Promise<{ engine: Engine; instance: DuckDB.DuckDBInstance }> {
    return (this.opened ??= (async () => {
      const duckdb = await loadDuckDB();
      const instance = await duckdb.DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      return { engine: { duckdb, connection }, instance };
    })().catch((e: unknown) => {
      this.opened = undefined;
      throw e;
    }));
  }

  /** Waits for queued actions, then closes the database; later actions are refused. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    await this.tail;
    this.stopped = true;
    const opened = await this.opened?.catch(() => undefined);
    opened?.engine.connection.closeSync();
    opened?.instance.closeSync();
  }
}
