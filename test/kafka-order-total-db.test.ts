// The seed's pipeline end to end, as a user runs it: `dstream run examples/kafka-order-total-db.ts
// <bootstrap> <topic> <sinkUrl>` adds per-province totals from a topic to MySQL, PostgreSQL or
// Redis with the offsets that produced them, starts where the store says (the earliest offsets
// when it holds none), and `npm run demo:exactly-once` kills it three times and counts; started
// several times it scales out (one consumer group sharing the partitions). One file, so that the
// example and the demos never share table province_totals at the same time.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root, startCli, type Cli } from './support/cli.js';
import {
  moreBatches,
  ownEachOnce,
  ownedBy,
  startProcesses,
  stopAll,
  until,
} from './support/example-group.js';
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

/** A demo's last line, `produced=<n> counted=<n> lost=<n> duplicated=<n>`: every order once. */
function expectExactTally(stdout: string) {
  const last = /^produced=(\d+) counted=(\d+) lost=(\d+) duplicated=(\d+)$/.exec(
    stdout.trim().split('\n').at(-1)!,
  );
  expect(last, stdout).not.toBeNull();
  const [, produced, counted, lost, duplicated] = last!.map(Number);
  expect({ counted, lost, duplicated }).toEqual({ counted: produced, lost: 0, duplicated: 0 });
  expect(produced).toBeGreaterThan(0);
}

/** Produces a few orders to every partition every 300 ms until the returned function is called. */
function keepProducing(topic: string, totals: Map<number, number>): () => Promise<void> {
  let on = true;
  const done = (async () => {
    while (on) {
      await produceOrders(topic, 20, totals);
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  return async () => {
    on = false;
    await done;
  };
}

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
        expectExactTally(stdout);
      },
    );

    it.skipIf(mysqlDown !== undefined && process.env.CI !== 'true')(
      'npm run demo:scale-out: three processes share the topic, one is SIGKILLed, a fourth joins; nothing lost, nothing counted twice',
      { timeout: 300_000 },
      async () => {
        expect(mysqlDown, 'MySQL for the demo').toBeUndefined();
        const { stdout } = await promisify(execFile)(
          process.execPath,
          [join(root, 'scripts', 'demo-scale-out.ts'), '--bootstrap', bootstrap()],
          { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
        );
        const lines = stdout.trim().split('\n');
        for (const n of [1, 2, 3, 4]) {
          expect(
            lines.some((l) => new RegExp(`^process ${n}: partitions:`).test(l)),
            stdout,
          ).toBe(true);
        }
        expect(lines).toContain('kill 2: SIGKILL');
        expect(
          lines.some((l) => /^takeover: \d+\.\d s$/.test(l)),
          stdout,
        ).toBe(true);
        expectExactTally(stdout);
      },
    );

    describe.skipIf(mysqlDown !== undefined && process.env.CI !== 'true')(
      'scaled out: processes started with the same arguments share the partitions (into MySQL)',
      () => {
        const mysql = storesUnderTest().find((s) => s.name === 'MySQL')!;
        beforeAll(async () => {
          expect(mysqlDown, 'MySQL for the scaled-out example').toBeUndefined();
          await mysql.open();
        });
        afterAll(() => mysql.close());

        /** Three processes on a new topic, each owning one partition, totals caught up. */
        async function threeSharing(runs: Cli[]) {
          const topic = await newTopic('order-scale-out', PARTITIONS);
          const partitions = [0, 1, 2].map((p) => `${topic}-${p}`);
          const totals = new Map<number, number>();
          await mysql.dropTable(TABLE);
          await produceOrders(topic, 300, totals);
          const args = ['run', 'examples/kafka-order-total-db.ts', bootstrap(), topic, mysql.url];
          runs.push(...startProcesses(3, args));
          // (A process that has not joined yet owns nothing: the others may share all three.)
          const oneEach = () => runs.every((r) => ownedBy(r).length === 1);
          await until(
            'one partition each',
            () => oneEach() && ownEachOnce(runs, partitions),
            runs,
            90_000,
          );
          await totalsReach(mysql, TABLE, totals, runs[0]!);
          return { topic, partitions, totals, args };
        }

        it(
          'three processes own one partition each and write the totals of one; SIGKILL one mid-stream: the survivors own its partition within 10 s and the totals stay exact',
          { timeout: 240_000 },
          async () => {
            const runs: Cli[] = [];
            try {
              const { topic, partitions, totals } = await threeSharing(runs);
              for (const run of runs) expect(ownedBy(run)).toHaveLength(1);

              const stopProducing = keepProducing(topic, totals);
              await moreBatches(runs, 2);
              const [first, victim, third] = runs as [Cli, Cli, Cli];
              victim.child.kill('SIGKILL');
              await victim.exited;
              const survivors = [first, third];
              const took = await until(
                'the survivors own every partition',
                () => ownEachOnce(survivors, partitions),
                survivors,
                10_000,
              );
              console.log(`takeover after SIGKILL: ${(took / 1000).toFixed(1)} s`);
              await moreBatches(survivors, 2);
              await stopProducing();

              await totalsReach(mysql, TABLE, totals, first);
              // Still exact a few batches later: nothing counted twice after catching up.
              await moreBatches(survivors, 2);
              expect(sorted(await mysql.totals(TABLE))).toEqual(sorted(totals));
            } finally {
              await stopAll(runs);
            }
          },
        );

        it(
          'a fourth process started mid-stream takes partitions over, and the totals stay exact',
          { timeout: 240_000 },
          async () => {
            const runs: Cli[] = [];
            try {
              const { topic, partitions, totals, args } = await threeSharing(runs);
              const stopProducing = keepProducing(topic, totals);
              await moreBatches(runs, 2);
              const fourth = startCli(args);
              runs.push(fourth);
              await until(
                'the fourth process owns a partition',
                () => ownedBy(fourth).length > 0 && ownEachOnce(runs, partitions),
                runs,
                60_000,
              );
              await moreBatches(runs, 2);
              await stopProducing();

              await totalsReach(mysql, TABLE, totals, fourth);
              await moreBatches(runs, 2);
              expect(sorted(await mysql.totals(TABLE))).toEqual(sorted(totals));
              // Three partitions for four processes: one owns none, and says so.
              expect(runs.filter((r) => ownedBy(r).length === 0)).toHaveLength(1);
              expect(runs.some((r) => /^partitions:$/m.test(r.stdout()))).toBe(true);
            } finally {
              await stopAll(runs);
            }
          },
        );
      },
    );
  },
);
