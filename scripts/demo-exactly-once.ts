/**
 * `npm run demo:exactly-once [-- --kills 3 --rate 300 --url mysql://root@127.0.0.1:3306/test]`:
 * exactly-once output shown, not claimed. It starts a Kafka broker of its own, produces orders
 * without pause, runs examples/kafka-order-total-db.ts (per-province totals, written with their
 * offsets in one transaction), SIGKILLs it at random moments several times and starts it again,
 * then lets the last run catch up and compares the store with what was produced.
 *
 * Each province's orders all cost the same price (a flat fee per province), so a province's total
 * says how many of its orders were counted: counted = total / price. The last line:
 *   produced=<n> counted=<n> lost=<n> duplicated=<n>
 * Exit status 0 when nothing was lost or duplicated.
 *
 * It starts from an empty store: table province_totals (the hash, in Redis) of the URL's database
 * is dropped first. The broker's files and each run's log are in .tmp/demo-exactly-once/.
 *
 * Runs the built package (dist/, made by `npm install`) and the store's client from devDependencies.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  OrderApp,
  ROOT,
  type OrderFeed,
  newTopic,
  openBroker,
  produceOrders,
  say,
  tally,
  tallyLine,
  until,
} from './demo-kafka.ts';
import { openStore } from './demo-store.ts';

const work = join(ROOT, '.tmp', 'demo-exactly-once');
const logs = `${work}/app-*.log`;

const { values: args } = parseArgs({
  options: {
    kills: { type: 'string', default: '3' },
    rate: { type: 'string', default: '300' },
    url: { type: 'string', default: 'mysql://root@127.0.0.1:3306/test' },
  },
});
const KILLS = Number(args.kills);
const RATE = Number(args.rate);
const PARTITIONS = 3;

async function main(): Promise<number> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const store = await openStore(args.url);
  const broker = await openBroker(join(work, 'kafka'));
  let app: OrderApp | undefined;
  let orders: OrderFeed | undefined;
  try {
    const { bootstrap } = broker;
    const topic = await newTopic(bootstrap, PARTITIONS);
    await store.reset();
    say(`broker ${bootstrap}, topic ${topic} (${PARTITIONS} partitions), store ${args.url}`);

    orders = await produceOrders(bootstrap, topic, RATE, 'demo-exactly-once');
    let run = 0;
    const startApp = () =>
      new OrderApp(join(work, `app-${++run}.log`), { bootstrap, topic, url: args.url });

    for (let kill = 1; kill <= KILLS; kill++) {
      app = startApp();
      const before = await store.counted(topic);
      // Killed once it has committed a batch or two, at a random moment of a batch.
      const committed = async () => (await store.counted(topic)) > before;
      await until(committed, 90_000, 'committed batch', logs);
      await sleep(500 + Math.random() * 3000);
      await app.stop('SIGKILL');
      say(`kill ${kill}: SIGKILL after ${await store.counted(topic)} orders committed`);
    }
    const total = await orders.stop();
    say(`produced ${total} orders; the last run catches up…`);
    app = startApp();
    const caughtUp = async () => (await store.counted(topic)) >= total;
    await until(caughtUp, 120_000, 'count of every order', logs);
    await app.stop('SIGINT');
    app = undefined;

    const t = tally(orders.produced, await store.totals());
    say(tallyLine(total, t));
    return t.lost === 0 && t.duplicated === 0 && t.counted === total ? 0 : 1;
  } finally {
    app?.child.kill('SIGKILL');
    await orders?.stop();
    await store.close();
    await broker.stop();
  }
}

process.exitCode = await main();
