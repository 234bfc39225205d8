// The stores of test/kafka-sinks-exactly-once.test.ts, each as the test needs it: a totals table
// (a hash in Redis), the totals read back in cents, and a way to hold the sink's writes back so
// that a kill lands in the middle of one.
import mysql2 from 'mysql2/promise';
import pg from 'pg';
import type { Redis } from 'ioredis';
import { MYSQL, mysqlDown } from './mysql.js';
import { DATABASE, postgresDown } from './postgres.js';
import { REDIS_URL, redisClient, redisDown } from './redis.js';
import type { Cli } from './cli.js';
import { stallProxy, type StallProxy } from './stall-proxy.js';

export interface StoreUnderTest {
  readonly name: string;
  /** The sink's URL. */
  readonly url: string;
  /** Why the store cannot be reached, if it cannot. */
  readonly down: string | undefined;
  open(): Promise<void>;
  close(): Promise<void>;
  /** Creates `table (province_id INT PRIMARY KEY, total DECIMAL(18,2))`. */
  createTable(table: string): Promise<void>;
  /** Removes `table` (a hash in Redis), if it exists. */
  dropTable(table: string): Promise<void>;
  /** Province → total in cents. */
  totals(table: string): Promise<Map<number, number>>;
  /** Holds every write to `table` back until the returned function is called. */
  holdWrites(table: string): Promise<() => Promise<void>>;
}

const cents = (total: string) => Math.round(Number(total) * 100);

function postgres(): StoreUnderTest {
  let db: pg.Client;
  const connect = async () => {
    const c = new pg.Client({ connectionString: DATABASE });
    await c.connect();
    return c;
  };
  return {
    name: 'PostgreSQL',
    url: DATABASE,
    down: postgresDown,
    async open() {
      db = await connect();
    },
    close: () => db.end(),
    async createTable(table) {
      await db.query(
        `CREATE TABLE ${table} (province_id INT PRIMARY KEY, total DECIMAL(18,2) NOT NULL)`,
      );
    },
    async dropTable(table) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    },
    async totals(table) {
      const { rows } = await db.query<{ province_id: number; total: string }>(
        `SELECT province_id, total::text FROM ${table}`,
      );
      return new Map(rows.map((r) => [r.province_id, cents(r.total)]));
    },
    async holdWrites(table) {
      // A lock that lets the sink read but not write: its transaction waits at its first row.
      const holder = await connect();
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
      return async () => {
        await holder.query('ROLLBACK');
        await holder.end();
      };
    },
  };
}

function mysql(): StoreUnderTest {
  let db: mysql2.Connection;
  return {
    name: 'MySQL',
    url: MYSQL,
    down: mysqlDown,
    async open() {
      db = await mysql2.createConnection(MYSQL);
    },
    close: () => db.end(),
    async createTable(table) {
      await db.query(
        `CREATE TABLE ${table} (province_id INT PRIMARY KEY, total DECIMAL(18,2) NOT NULL)`,
      );
    },
    async dropTable(table) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    },
    async totals(table) {
      const [rows] = await db.query<mysql2.RowDataPacket[]>(
        `SELECT province_id, total FROM ${table}`,
      );
      return new Map(rows.map((r) => [Number(r.province_id), cents(String(r.total))]));
    },
    async holdWrites(table) {
      // Other sessions can neither read nor write the table: the sink's transaction waits at its
      // first statement on it.
      const holder = await mysql2.createConnection(MYSQL);
      await holder.query(`LOCK TABLES ${table} WRITE`);
      return async () => {
        await holder.query('UNLOCK TABLES');
        await holder.end();
      };
    },
  };
}

/**
 * Redis through a proxy the test stalls: holding writes back must not pause the server for the
 * run's other tests (CLIENT PAUSE would). The "table" is a hash.
 */
function redis(): StoreUnderTest {
  let db: Redis;
  let proxy: StallProxy;
  const target = new URL(REDIS_URL);
  return {
    name: 'Redis',
    get url() {
      return `redis://${proxy.address}${target.pathname}`;
    },
    down: redisDown,
    async open() {
      db = redisClient();
      proxy = await stallProxy(Number(target.port || 6379), target.hostname);
    },
    async close() {
      db.disconnect();
      await proxy.close();
    },
    async createTable(table) {
      await db.del(table);
    },
    async dropTable(table) {
      await db.del(table);
    },
    async totals(table) {
      const fields = await db.hgetall(table);
      return new Map(Object.entries(fields).map(([p, total]) => [Number(p), cents(total)]));
    },
    async holdWrites() {
      proxy.stall();
      return async () => {
        proxy.resume();
        await Promise.resolve();
      };
    },
  };
}

/** Every store the machine runs; a test of one that is down fails in CI and is skipped elsewhere. */
export function storesUnderTest(): StoreUnderTest[] {
  const all = [postgres(), mysql(), redis()];
  return all.filter((s) => s.down === undefined || process.env.CI === 'true');
}

/**
 * Waits until `table` holds exactly `expected` (province → cents) while `run` writes it; fails
 * with both totals and the run's output when the run exits first or after `timeoutMs`.
 */
export async function totalsReach(
  store: StoreUnderTest,
  table: string,
  expected: ReadonlyMap<number, number>,
  run: Cli,
  timeoutMs = 90_000,
): Promise<void> {
  const sorted = (m: ReadonlyMap<number, number>) =>
    JSON.stringify([...m].sort(([a], [b]) => a - b));
  const since = performance.now();
  for (;;) {
    // A table the application has not created yet holds nothing.
    const stored = await store.totals(table).catch(() => new Map<number, number>());
    if (sorted(stored) === sorted(expected)) return;
    const exited = run.child.exitCode !== null || run.child.signalCode !== null;
    if (exited || performance.now() - since > timeoutMs) {
      throw new Error(
        `${store.name} ${table} holds ${sorted(stored)}, not ${sorted(expected)}` +
          `${exited ? ' and the application exited' : ` after ${timeoutMs / 1000} s`}\n` +
          `stdout:\n${run.stdout().slice(-2000)}\nstderr:\n${run.stderr().slice(-2000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
