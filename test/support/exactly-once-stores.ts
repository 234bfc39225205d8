// The stores of test/kafka-sinks-exactly-once.test.ts, each as the test needs it: a totals table
// (a hash in Redis), the totals read back in cents, and a way to hold the sink's writes back so
// that a kill lands in the middle of one.
import pg from 'pg';
import { DATABASE, postgresDown } from './postgres.js';

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

/** Every store the machine runs; a test of one that is down fails in CI and is skipped elsewhere. */
export function storesUnderTest(): StoreUnderTest[] {
  const all = [postgres()];
  return all.filter((s) => s.down === undefined || process.env.CI === 'true');
}
