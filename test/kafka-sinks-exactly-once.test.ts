// Exactly-once through the transactional and atomic sinks, as a crashing application sees it: a
// checkpointing application (test/fixtures/kafka-sink-app.ts) adds per-province totals from a
// topic of the run's broker to a store, and is SIGKILLed
// - right after the store's commit of a batch, before the checkpoint records that the batch
//   completed: run again, the batch runs again with the same offset ranges, and the sink skips it;
// - in the middle of a batch's write, before its commit (the test holds the store's writes back):
//   nothing of that batch is in the store; run again, the batch is written once.
// Either way the totals end exact to the fen.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root, startCli, type Cli } from './support/cli.js';
import { bootstrap, broker, skipKafka } from './support/kafka-broker.js';
import { newTopic, produce } from './support/kafka-topics.js';
import {
  storesUnderTest,
  totalsReach,
  type StoreUnderTest,
} from './support/exactly-once-stores.js';

const PARTITIONS = 3;
const app = join(root, 'test', 'fixtures', 'kafka-sink-app.ts');

/** Order lines produced to the topic, round robin over its partitions, and their totals. */
class Orders {
  readonly totals = new Map<number, number>();
  private id = 0;
  constructor(readonly topic: string) {}
  async produce(perPartition: number): Promise<void> {
    for (let p = 0; p < PARTITIONS; p++) {
      const lines = Array.from({ length: perPartition }, () => {
        const id = this.id++;
        const province = id % 7;
        const cents = 100 + ((id * 7919) % 99_900);
        this.totals.set(province, (this.totals.get(province) ?? 0) + cents);
        return `${id},${province},${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      });
      await produce(this.topic, p, lines);
    }
  }
}

const sorted = (m: ReadonlyMap<number, number>) => [...m].sort(([a], [b]) => a - b);

describe.skipIf(skipKafka)(
  `exactly-once sinks killed before and after their commit${skipKafka ? ` (skipped: ${broker.reason})` : ''}`,
  () => {
    const dirs: string[] = [];
    beforeAll(() => expectBuilt());
    afterAll(async () => {
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    });

    describe.each(storesUnderTest())('$name', (store: StoreUnderTest) => {
      beforeAll(async () => {
        expect(store.down, `${store.name} for the exactly-once tests`).toBeUndefined();
        await store.open();
      });
      afterAll(() => store.close());

      /** A topic, a table, a sink id and a checkpoint directory of the test's own. */
      async function setting(name: string) {
        const orders = new Orders(await newTopic(`sink-${name}`, PARTITIONS));
        const table = `totals_${orders.topic.replace(/\W/g, '_')}`.slice(0, 60);
        await store.createTable(table);
        const checkpoint = await mkdtemp(join(tmpdir(), 'dstream-sink-app-'));
        dirs.push(checkpoint);
        const args = [orders.topic, store.url, `test-${orders.topic}`, table, checkpoint];
        const start = (env: Record<string, string> = {}): Cli =>
          startCli(['run', app, bootstrap(), ...args], { env });
        /** Waits until the store holds the totals of every order produced. */
        const caughtUp = (run: Cli) => totalsReach(store, table, orders.totals, run);
        return { orders, table, start, caughtUp };
      }

      it(
        'killed right after the commit: the batch runs again from the checkpoint and is skipped',
        { timeout: 120_000 },
        async () => {
          const { orders, table, start, caughtUp } = await setting('after');
          await orders.produce(100);
          const first = start({ KILL_AFTER_COMMIT: '2' });
          await first.waitFor('stdout', /^committed \d+ true$/m);
          await orders.produce(50);
          expect(await first.exited).toBe('SIGKILL');
          const killed = [...first.stdout().matchAll(/^committed (\d+) true$/gm)].map((m) => m[1]);
          expect(killed).toHaveLength(2);
          const atKill = await store.totals(table);

          await orders.produce(70);
          const second = start();
          try {
            // The batch whose commit the kill followed is pending in the checkpoint: it runs
            // again with the same ranges, and the sink finds it applied.
            await second.waitFor('stdout', new RegExp(`^committed ${killed[1]} false$`, 'm'));
            expect(atKill.size).toBeGreaterThan(0);
            await caughtUp(second);
          } finally {
            second.child.kill('SIGINT');
            await second.exited;
          }
          expect(sorted(await store.totals(table))).toEqual(sorted(orders.totals));
        },
      );

      it(
        'killed in the middle of a write: nothing of the batch is stored, and it is written once when run again',
        { timeout: 120_000 },
        async () => {
          const { orders, table, start, caughtUp } = await setting('before');
          await orders.produce(100);
          const first = start();
          await first.waitFor('stdout', /^committed \d+ true$/m);
          await caughtUp(first);
          const committed = await store.totals(table);

          const release = await store.holdWrites(table);
          try {
            await orders.produce(60);
            const writes = first.stdout().match(/^writing /gm)!.length;
            await first.waitFor(
              'stdout',
              new RegExp(`(?:^writing [^\\n]*\\n[\\s\\S]*?){${writes + 1}}`, 'm'),
            );
            // The write has begun and cannot finish while the store holds it back.
            await new Promise((r) => setTimeout(r, 500));
            first.child.kill('SIGKILL');
            expect(await first.exited).toBe('SIGKILL');
          } finally {
            await release();
          }
          expect(sorted(await store.totals(table))).toEqual(sorted(committed));

          const second = start();
          try {
            await caughtUp(second);
          } finally {
            second.child.kill('SIGINT');
            await second.exited;
          }
          expect(sorted(await store.totals(table))).toEqual(sorted(orders.totals));
        },
      );
    });
  },
);
