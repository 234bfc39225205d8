/**
 * The store of `npm run demo:exactly-once`, as the demo looks at it: how many orders the example
 * has committed (the offsets its sink stored, read through the sink as the example reads them),
 * and the totals it wrote (read with the store's own client). One adapter per URL scheme.
 */
import type { RowDataPacket } from 'mysql2/promise';

type PostgresSinks = typeof import('../src/sinks/postgres/index.js');
type MySqlSinks = typeof import('../src/sinks/mysql/index.js');
type RedisSinks = typeof import('../src/sinks/redis/index.js');

/** The example's sink id (examples/kafka-order-total-db.ts). */
const SINK_ID = 'kafka-order-total-db';

export interface DemoStore {
  /** Removes the totals of an earlier run. */
  reset(): Promise<void>;
  /** Orders committed so far: the offsets the sink stored for `topic`, summed. */
  counted(topic: string): Promise<number>;
  /** Each province's total, in cents. */
  totals(): Promise<Map<number, number>>;
  close(): Promise<void>;
}

const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;

const cents = (total: string | number) => Math.round(Number(total) * 100);

interface OffsetsSink {
  storedOffsets(topics: readonly string[]): Promise<[unknown, number][]>;
  close(): Promise<void>;
}

async function counted(sink: OffsetsSink, topic: string): Promise<number> {
  return (await sink.storedOffsets([topic])).reduce((n, [, offset]) => n + offset, 0);
}

export async function openStore(url: string): Promise<DemoStore> {
  const scheme = new URL(url).protocol;
  if (scheme === 'mysql:' || scheme === 'mariadb:') return mysql(url);
  if (scheme === 'postgres:' || scheme === 'postgresql:') return postgres(url);
  if (scheme === 'redis:') return redis(url);
  throw new Error(`${url}: the demo knows mysql://, postgres:// and redis:// stores`);
}

async function postgres(url: string): Promise<DemoStore> {
  const pg = (await import('pg')).default;
  const { PostgresSink } = (await import(dist('sinks/postgres/index.js'))) as PostgresSinks;
  const sink = PostgresSink.create({ url, id: SINK_ID });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  return {
    reset: async () => void (await db.query('DROP TABLE IF EXISTS province_totals')),
    counted: (topic) => counted(sink, topic),
    async totals() {
      const { rows } = await db.query<{ province_id: number; total: string }>(
        'SELECT province_id, total FROM province_totals',
      );
      return new Map(rows.map((r) => [r.province_id, cents(r.total)]));
    },
    async close() {
      await sink.close();
      await db.end();
    },
  };
}

async function mysql(url: string): Promise<DemoStore> {
  const { createConnection } = await import('mysql2/promise');
  const { MySqlSink } = (await import(dist('sinks/mysql/index.js'))) as MySqlSinks;
  const sink = MySqlSink.create({ url, id: SINK_ID });
  const db = await createConnection(url);
  return {
    reset: async () => void (await db.query('DROP TABLE IF EXISTS province_totals')),
    counted: (topic) => counted(sink, topic),
    async totals() {
      const [rows] = await db.query<RowDataPacket[]>(
        'SELECT province_id, total FROM province_totals',
      );
      return new Map(rows.map((r) => [Number(r.province_id), cents(String(r.total))]));
    },
    async close() {
      await sink.close();
      await db.end();
    },
  };
}

async function redis(url: string): Promise<DemoStore> {
  const { Redis } = await import('ioredis');
  const { RedisSink } = (await import(dist('sinks/redis/index.js'))) as RedisSinks;
  const sink = RedisSink.create({ url, id: SINK_ID });
  const db = new Redis(url);
  return {
    reset: async () => void (await db.del('province_totals')),
    counted: (topic) => counted(sink, topic),
    async totals() {
      const fields = await db.hgetall('province_totals');
      return new Map(Object.entries(fields).map(([p, total]) => [Number(p), cents(total)]));
    },
    async close() {
      await sink.close();
      db.disconnect();
    },
  };
}
