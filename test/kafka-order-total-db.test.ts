// The seed's pipeline end to end, as a user runs it: `dstream run examples/kafka-order-total-db.ts
// <bootstrap> <topic> <sinkUrl>` adds per-province totals from a topic to MySQL, PostgreSQL or
// Redis with the offsets that produced them, starts where the store says (the earliest offsets
// when it holds none), and `npm run demo:exactly-once` kills it three times and counts. One file,
// so that the example and the demo never share table province_totals at the same time.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root, startCli, type Cli } from './support/cli.js';
import {
  storesUnderTest,
  totalsReach,
  type StoreUnderTest,
} from './support/exactly-once-stores.js';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import { newTopic, produce } from './support/kafka-topics.js';
import { mysqlDown } from './support/mysql.js';

const PARTITIONS = 3;
const TABLE = 'province_totals';

/** Order lines to each partition; their totals per province, in cents. */
async function produceOrders(topic: string, perPartition: number, totals: Map<number, number>) {
  for (let p = 0; p < PARTITIONS; p++) {
    const lines = Array.from({ length: perPartition }, (_, i) => {
      const province = (p * 31 + i) % 5;
      const cents = 99 + ((i * 7907 + p) % 50_000);
      totals.set(province, (totals.get(province) ?? 0) + cents);
      return `${p * 1_000_000 + i},${province},${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    });
    // A malformed line is counted nowhere.
    await produce(topic, p, [...lines, 'not an order']);
  }
}

const sorted = (m: ReadonlyMap<number, number>) => [...m].sort(([a], [b]) => a - b);

describe.skipIf(skipKafka)(
  `kafka-order-total-db.ts${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    beforeAll(() => expectBuilt());

    describe.each(storesUnderTest())('into $name', (store: StoreUnderTest) => {
      beforeAll(async () => {
        expect(store.down, `${store.name} for the example`).toBeUndefined();
        await store.open();
      });
      afterAll(() => store.close());

      it(
        'writes the totals, and a second run starts where the store says the first ended',
        { timeout: 120_000 },
        async () => {
          const topic = await newTopic('order-total-db', PARTITIONS);
          const totals = new Map<number, number>();
          await store.dropTable(TABLE);
          await produceOrders(topic, 200, totals);
          const args = ['run', 'examples/kafka-order-total-db.ts', bootstrap(), topic, store.url];
          const caughtUp = (run: Cli) => totalsReach(store, TABLE, totals, run);

          const first = startCli(args);
          await first.waitFor('stdout', /^starting at the earliest offsets$/m);
          await caughtUp(first);
          first.child.kill('SIGINT');
          expect(await first.exited).toBe(0);

          await produceOrders(topic, 100, totals);
          const second = startCli(args);
          try {
            // 201 records per partition were committed with the totals: orders and the bad line.
            const where = [0, 1, 2].map((p) => `${topic}-${p}@201`).join(' ');
            await second.waitFor('stdout', new RegExp(`^starting at ${where}$`, 'm'));
            await caughtUp(second);
          } finally {
            second.child.kill('SIGINT');
            await second.exited;
          }
          expect(sorted(await store.totals(TABLE))).toEqual(sorted(totals));
        },
      );
    });

    it.skipIf(mysqlDown !== undefined && process.env.CI !== 'true')(
      'npm run demo:exactly-once: three SIGKILLs, nothing lost, nothing counted twice',
      { timeout: 300_000 },
      async () => {
        expect(mysqlDown, 'MySQL for the demo').toBeUndefined();
        const { stdout } = await promisify(execFile)(
          process.execPath,
          [join(root, 'scripts', 'demo-exactly-once.ts')],
          { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
        );
        const lines = stdout.trim().split('\n');
        expect(
          lines.filter((l) => /^kill \d+: SIGKILL after \d+ orders committed$/.test(l)),
        ).toHaveLength(3);
        const last = /^produced=(\d+) counted=(\d+) lost=(\d+) duplicated=(\d+)$/.exec(
          lines.at(-1)!,
        );
        expect(last, stdout).not.toBeNull();
        const [, produced, counted, lost, duplicated] = last!.map(Number);
        expect({ counted, lost, duplicated }).toEqual({
          counted: produced,
          lost: 0,
          duplicated: 0,
        });
        expect(produced).toBeGreaterThan(0);
      },
    );
  },
);
