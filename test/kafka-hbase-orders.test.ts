// examples/orders-to-hbase.ts against the run's Kafka broker and HBase: run as users run it, it
// stores every order exactly; killed (SIGKILL) right after HBase took a batch, or right before,
// and run again from its checkpoint, the table holds exactly one row per order, each cell in one
// version; with HBase away mid-stream, the batch fails with an error naming HBase and the cause,
// the application stops, and once HBase is back a restart loses nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderGenerator } from '../src/cli/orders.js';
import { AppProcess, root } from './support/app-process.js';
import { expectBuilt, startCli } from './support/cli.js';
import { GatewayProxy, hbase, rest, scan, skipHBase, versions } from './support/hbase.js';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import { newTopic, produce } from './support/kafka-topics.js';

const PARTITIONS = 3;
const KILL_APP = join(root, 'test', 'fixtures', 'orders-to-hbase-kill-app.ts');
const skip = skipKafka || skipHBase;
const why = skipKafka ? broker.reason : hbase.reason;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'dstream-orders-hbase-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A topic of order lines, and the rows its valid orders must become. */
class Orders {
  readonly rows = new Map<string, Record<string, string>>();
  private readonly generator = new OrderGenerator({ seed: 7, malformedRate: 0.05 });

  private constructor(readonly topic: string) {}

  static async create(prefix: string): Promise<Orders> {
    return new Orders(await newTopic(prefix, PARTITIONS));
  }

  /** Produces `n` lines to each partition. */
  async produce(n: number): Promise<void> {
    for (let p = 0; p < PARTITIONS; p++) {
      const lines = Array.from({ length: n }, () => this.generator.next());
      await produce(this.topic, p, lines);
      for (const line of lines) {
        const m = /^(\d+),(\d+),(\d+\.\d\d)$/.exec(line);
        if (m) this.rows.set(m[1]!, { 'cf:provinceId': m[2]!, 'cf:orderPrice': m[3]! });
      }
    }
  }
}

/** Waits until the table holds `count` rows (a scan every half second). */
async function rowsReach(table: string, count: number, alive: () => boolean) {
  for (;;) {
    const rows = await scan(table).catch(() => new Map<string, Record<string, string>>());
    if (rows.size >= count) return rows;
    if (!alive()) throw new Error(`the application ended with ${rows.size} of ${count} rows`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Every cell of every row of `rows` has exactly one version. */
async function oneVersionEach(table: string, rows: Map<string, Record<string, string>>) {
  const counts = new Set<number>();
  for (const row of [...rows.keys()].slice(0, 50)) {
    for (const column of ['cf:provinceId', 'cf:orderPrice']) {
      counts.add((await versions(table, row, column)).length);
    }
  }
  return [...counts];
}

// Processes with 5-second batches, restarted: minutes on a loaded machine, not the default minute.
describe.skipIf(skip)(
  `orders-to-hbase${skip ? ` (skipped: ${why})` : ''}`,
  { timeout: 180_000 },
  () => {
    beforeAll(() => {
      expectBuilt();
      rest();
      bootstrap();
    });

    it('examples/orders-to-hbase.ts stores every order by its id, exactly', async () => {
      const orders = await Orders.create('orders-hbase');
      await orders.produce(100);
      const args = [bootstrap(), orders.topic, rest(), join(tmp, 'example')];
      const run = startCli(['run', 'examples/orders-to-hbase.ts', ...args]);
      let done = false;
      void run.exited.then(() => (done = true));
      try {
        const rows = await rowsReach(orders.topic, orders.rows.size, () => !done);
        expect(rows).toEqual(orders.rows);
        expect(run.stdout()).toMatch(/^\d+ ms: put \d+ orders into HBase$/m);
      } finally {
        run.child.kill('SIGINT');
        expect(await run.exited, run.stderr()).toBe(0);
      }
    });

    for (const when of ['after', 'before'] as const) {
      it(`killed ${when} HBase took a batch, then run again from its checkpoint: one row per order, one version per cell`, async () => {
        const orders = await Orders.create(`orders-kill-${when}`);
        // The table exists, keeping 5 versions: a batch written twice at two versions would show.
        await fetch(`${rest()}/${orders.topic}/schema`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            name: orders.topic,
            ColumnSchema: [{ name: 'cf', VERSIONS: '5' }],
          }),
        });
        await orders.produce(60);
        const args = [bootstrap(), orders.topic, rest(), join(tmp, `kill-${when}`)];
        const killed = new AppProcess(KILL_APP, [when, ...args]);
        expect(await killed.exited, killed.stderr).toBe('SIGKILL');
        // After: HBase has the batch, the checkpoint does not. Before: HBase has nothing.
        expect((await scan(orders.topic)).size).toBe(when === 'after' ? orders.rows.size : 0);

        const again = new AppProcess(KILL_APP, ['none', ...args]);
        try {
          await orders.produce(40);
          const rows = await rowsReach(
            orders.topic,
            orders.rows.size,
            () => again.child.exitCode === null,
          );
          expect(rows).toEqual(orders.rows);
          expect(await oneVersionEach(orders.topic, rows)).toEqual([1]);
        } finally {
          await again.kill();
        }
      });
    }

    it('fails with an error naming HBase and the cause when HBase goes away mid-stream, and loses nothing once it is back', async () => {
      const orders = await Orders.create('orders-outage');
      const proxy = await new GatewayProxy().up();
      const args = [bootstrap(), orders.topic, proxy.url, join(tmp, 'outage')];
      await orders.produce(50);
      const first = new AppProcess(KILL_APP, ['none', ...args]);
      try {
        await rowsReach(orders.topic, orders.rows.size, () => first.child.exitCode === null);
        await proxy.down();
        await orders.produce(50);
        // The next batch fails after the sink's attempts (5 by default), and the application with it.
        expect(await first.exited).toBe(1);
        expect(first.stderr).toContain("code: 'DSTREAM_ERR_SINK_WRITE'");
        expect(first.stderr).toMatch(
          /HBase sink 'table orders-outage-\w+' at 'http:\/\/127\.0\.0\.1:\d+' could not write the batch \(attempt 5 of 5\): no answer from the HBase REST gateway .*ECONNREFUSED/,
        );
      } finally {
        await first.kill();
      }
      await proxy.up();
      const again = new AppProcess(KILL_APP, ['none', ...args]);
      try {
        const rows = await rowsReach(
          orders.topic,
          orders.rows.size,
          () => again.child.exitCode === null,
        );
        expect(rows).toEqual(orders.rows);
      } finally {
        await again.kill();
        await proxy.down();
      }
    });
  },
);
