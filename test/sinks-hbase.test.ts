// dstream/sinks/hbase against a real standalone HBase (test/hbase-setup.ts): puts read back exactly;
// a batch run again writes the same cells at the same version (no new version, no new row); rows
// go in multi-row PUTs; a row HBase refuses fails the batch naming the table, the row and the
// column, without retries; an HBase that is away fails the batch after the configured attempts,
// naming HBase and the cause, and the same batch writes everything once it is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DStreamError, SparkContext, Time } from 'dstream';
import { HBaseSink } from 'dstream/sinks/hbase';
import { GatewayProxy, hbase, newTable, rest, scan, skipHBase, versions } from './support/hbase.js';

const FAST = { attempts: 3, initialBackoffMs: 10 };

interface Order {
  orderId: string;
  provinceId: number;
  orderPrice: string;
}

const orders = (n: number, from = 0): Order[] =>
  Array.from({ length: n }, (_, i) => ({
    orderId: `o${from + i}`,
    provinceId: (from + i) % 34,
    orderPrice: `${(from + i) % 1000}.5${i % 10}`,
  }));

/** The rows an order table must hold for `list`: order id → its two cells. */
const expected = (list: readonly Order[]) =>
  new Map(
    list.map((o) => [
      o.orderId,
      { 'cf:provinceId': String(o.provinceId), 'cf:orderPrice': o.orderPrice },
    ]),
  );

describe.skipIf(skipHBase)(`HBaseSink${skipHBase ? ` (skipped: ${hbase.reason})` : ''}`, () => {
  let sc: SparkContext;
  const sink = (url = rest(), more = {}) => HBaseSink.create({ url, retries: FAST, ...more });

  beforeAll(() => {
    rest();
    sc = new SparkContext({ master: 'local[2]', appName: 'sinks-hbase' });
  });
  afterAll(async () => {
    await sc?.stop();
  });

  it('puts every row by its row key, and the rows read back exactly', async () => {
    const table = await newTable('orders', { cf: 1 });
    const list = orders(2500);
    const result = await sink().put(table, sc.parallelize(list, 3), {
      family: 'cf',
      rowKey: 'orderId',
      time: new Time(1000),
    });
    expect(result.rows).toBe(2500);
    // The row-key field is the key, not a column.
    expect(await scan(table)).toEqual(expected(list));
  });

  it('takes [rowKey, cells] pairs, a row-key function and a column list; null cells are left out', async () => {
    const table = await newTable('shapes', { cf: 1 });
    const s = sink();
    await s.put(
      table,
      sc.parallelize([
        ['p1', { a: 'x', n: 1, skip: null }],
        ['p2', { a: 'y', flag: true, bytes: Buffer.from('raw') }],
      ] as [string, Record<string, string | number | boolean | Buffer | null>][]),
      { family: 'cf', time: 5 },
    );
    await s.put(table, sc.parallelize([{ id: 7, a: 'z', secret: 's' }]), {
      family: 'cf',
      rowKey: (r) => `k${r.id}`,
      columns: ['a'],
      time: 5,
    });
    expect(await scan(table)).toEqual(
      new Map([
        ['p1', { 'cf:a': 'x', 'cf:n': '1' }],
        ['p2', { 'cf:a': 'y', 'cf:flag': 'true', 'cf:bytes': 'raw' }],
        ['k7', { 'cf:a': 'z' }],
      ]),
    );
    expect(await s.get(table, 'k7')).toEqual({ 'cf:a': 'z' });
    expect(await s.get(table, 'absent')).toBeUndefined();
  });

  it('writes a batch that runs again at the same version: no new version, no new row', async () => {
    // A family that keeps 5 versions shows any extra one.
    const table = await newTable('rerun', { cf: 5 });
    const s = sink();
    const batch = sc.parallelize(orders(300), 2);
    const put = (ms: number) =>
      s.put(table, batch, { family: 'cf', rowKey: 'orderId', time: new Time(ms) });
    await put(10_000);
    await put(10_000); // the same batch, run again after a crash
    expect(await versions(table, 'o7', 'cf:orderPrice')).toEqual([10_000]);
    expect((await scan(table)).size).toBe(300);
    // A later batch writing the same row is a new version, as it should be.
    await put(15_000);
    expect(await versions(table, 'o7', 'cf:orderPrice')).toEqual([15_000, 10_000]);
  });

  it('sends multi-row PUTs of rowsPerRequest rows, never one request per row', async () => {
    const table = await newTable('bulk', { cf: 1 });
    const proxy = await new GatewayProxy().up();
    try {
      const result = await sink(proxy.url, { rowsPerRequest: 400, inFlight: 2 }).put(
        table,
        sc.parallelize(orders(2000), 2),
        { family: 'cf', rowKey: 'orderId', time: 1 },
      );
      // Two partitions of 1000 rows: 400 + 400 + 200 each.
      expect(proxy.puts.toSorted((a, b) => a - b)).toEqual([200, 200, 400, 400, 400, 400]);
      expect(result).toEqual({ rows: 2000, requests: 6 });
      expect((await scan(table)).size).toBe(2000);
    } finally {
      await proxy.down();
    }
  });

  it('fails the batch naming the table, the row and the column when HBase refuses a row, without retrying', async () => {
    const table = await newTable('refused', { cf: 1 });
    const proxy = await new GatewayProxy().up();
    try {
      const failure = await sink(proxy.url)
        .put(table, sc.parallelize(orders(3), 1), { family: 'nope', rowKey: 'orderId', time: 1 })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DStreamError);
      expect((failure as DStreamError).code).toBe('DSTREAM_ERR_SINK_WRITE');
      const message = (failure as Error).message;
      expect(message).toContain(`HBase sink 'table ${table}'`);
      expect(message).toContain("row 'o0'");
      expect(message).toContain("column 'nope:provinceId'");
      expect(message).toContain('NoSuchColumnFamilyException: Column family nope does not exist');
      expect(message).toContain('not retried');
      expect(proxy.puts).toEqual([3]);
      // No such table: the same, and it says what to do.
      const missing = await sink()
        .put('no_such_table', sc.parallelize(orders(1)), {
          family: 'cf',
          rowKey: 'orderId',
          time: 1,
        })
        .catch((e: unknown) => e);
      expect((missing as Error).message).toMatch(
        /TableNotFoundException: no_such_table.*createTable/,
      );
    } finally {
      await proxy.down();
    }
  });

  it('fails the batch after the configured attempts while HBase is away, and loses nothing once it is back', async () => {
    const table = await newTable('outage', { cf: 1 });
    const proxy = await new GatewayProxy().up();
    await proxy.down();
    const s = sink(proxy.url);
    const batch = sc.parallelize(orders(1200), 3);
    const put = () => s.put(table, batch, { family: 'cf', rowKey: 'orderId', time: 1 });
    const failure = (await put().catch((e: unknown) => e)) as DStreamError;
    expect(failure.code).toBe('DSTREAM_ERR_SINK_WRITE');
    expect(failure.message).toMatch(
      /^HBase sink 'table outage_\w+' at 'http:\/\/127\.0\.0\.1:\d+' could not write the batch \(attempt 3 of 3\): no answer from the HBase REST gateway at .* \(ECONNREFUSED\)/,
    );
    expect(failure.message).toMatch(/Rows put before the failure stay; the batch runs again/);
    expect((await scan(table)).size).toBe(0);
    // Back on the same port: the batch, run again, writes every row.
    await proxy.up();
    try {
      expect(await put()).toEqual({ rows: 1200, requests: 3 });
      expect(await scan(table)).toEqual(expected(orders(1200)));
    } finally {
      await proxy.down();
    }
  });

  it('creates a table only when it is missing', async () => {
    const s = sink();
    const table = `created_${Date.now()}`;
    expect(await s.createTable(table, ['cf', { name: 'history', versions: 3 }])).toBe(true);
    expect(await s.createTable(table, ['cf'])).toBe(false);
    const schema = (await (
      await fetch(`${rest()}/${table}/schema`, { headers: { Accept: 'application/json' } })
    ).json()) as { ColumnSchema: { name: string; VERSIONS: string }[] };
    expect(schema.ColumnSchema.map((c) => [c.name, c.VERSIONS])).toEqual([
      ['cf', '1'],
      ['history', '3'],
    ]);
  });

  it('needs the batch time, the version of the cells', async () => {
    await expect(
      sink().put('t', sc.parallelize([{ id: 1 }]), {
        family: 'cf',
        rowKey: 'id',
      } as unknown as Parameters<HBaseSink['put']>[2]),
    ).rejects.toThrow(/needs \{ time \}: the batch time of foreachRDD/);
  });
});
