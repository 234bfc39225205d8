/**
 * `npm run demo:scale-out [-- --rate 300 --url mysql://root@127.0.0.1:3306/test --kill 2]`:
 * scale-out shown, not claimed. Three processes of examples/kafka-order-total-db.ts, started with
 * the same arguments, form one Kafka consumer group and share a 3-partition topic's partitions
 * (`spark.streaming.kafka.scaleOut`) while orders are produced without pause. One is SIGKILLed;
 * the survivors take its partition over once the group's session timeout (6 s) notices; a fourth
 * process joins; then production stops, the processes catch up and are stopped (SIGINT), and the
 * store is compared with what was produced.
 *
 * Printed as they come: each process's `partitions:` lines (`process 2: partitions: orders-1`),
 * `kill 2: SIGKILL`, and `takeover: <seconds> s`, the time from the kill until the survivors'
 * latest `partitions:` lines together name every partition. Each province's orders all cost the
 * same price, so counted = total / price. The last line:
 *   produced=<n> counted=<n> lost=<n> duplicated=<n>
 * Exit status 0 when nothing was lost or duplicated.
 *
 * The broker: --bootstrap, else 127.0.0.1:9092 when one answers there (`dstream kafka start`),
 * else one of its own; on a broker it did not start, its topic is deleted at the end. It starts
 * from an empty store: table province_totals (the hash, in Redis)
 * of the URL's database is dropped first. Each process's log (and the broker's files, when it
 * starts one) are in .tmp/demo-scale-out/.
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
  coverAll,
  dropTopic,
  newTopic,
  openBroker,
  produceOrders,
  say,
  tally,
  tallyLine,
  until,
  type OrderFeed,
} from './demo-kafka.ts';
import { openStore } from './demo-store.ts';

const work = join(ROOT, '.tmp', 'demo-scale-out');
const logs = `${work}/process-*.log`;

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '300' },
    url: { type: 'string', default: 'mysql://root@127.0.0.1:3306/test' },
    bootstrap: { type: 'string' },
    kill: { type: 'string', default: '2' },
  },
});
const RATE = Number(args.rate);
const VICTIM = Number(args.kill);
const PARTITIONS = 3;

async function main(): Promise<number> {
  if (![1, 2, 3].includes(VICTIM)) throw new Error(`--kill ${args.kill}: give 1, 2 or 3`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const store = await openStore(args.url);
  const broker = await openBroker(join(work, 'kafka'), {
    bootstrap: args.bootstrap,
    reuseLocal: true,
  });
  const apps = new Map<number, OrderApp>();
  let orders: OrderFeed | undefined;
  let made: string | undefined;
  try {
    const { bootstrap } = broker;
    const topic = await newTopic(bootstrap, PARTITIONS);
    made = topic;
    await store.reset();
    say(`broker ${bootstrap}, topic ${topic} (${PARTITIONS} partitions), store ${args.url}`);
    orders = await produceOrders(bootstrap, topic, RATE, 'demo-scale-out');

    const start = (n: number) => {
      const log = join(work, `process-${n}.log`);
      const app = new OrderApp(log, { bootstrap, topic, url: args.url }, (line) =>
        say(`process ${n}: ${line}`),
      );
      apps.set(n, app);
      return app;
    };
    /** Each process owns a partition of its own, and together they own them all. */
    const shared = () =>
      coverAll(apps.values(), PARTITIONS) && [...apps.values()].every((a) => a.owned?.size);

    say('starting processes 1, 2 and 3…');
    for (const n of [1, 2, 3]) start(n);
    await until(shared, 60_000, 'partitions shared by the three processes', logs);
    // Let them commit a batch or two each before one of them is killed.
    const before = await store.counted(topic);
    const committed = async () => (await store.counted(topic)) > before;
    await until(committed, 30_000, 'committed batch', logs);
    await sleep(3000);

    const victim = apps.get(VICTIM)!;
    const killedAt = performance.now();
    await victim.stop('SIGKILL');
    apps.delete(VICTIM);
    say(`kill ${VICTIM}: SIGKILL`);
    await until(() => coverAll(apps.values(), PARTITIONS), 60_000, 'takeover', logs, 50);
    // The line that completed the cover, not the poll that saw it.
    const tookOver = Math.max(...[...apps.values()].map((a) => a.ownedSince));
    say(`takeover: ${((tookOver - killedAt) / 1000).toFixed(1)} s`);

    await sleep(2000);
    say('starting process 4…');
    start(4);
    await until(shared, 60_000, 'partition for process 4', logs);
    await sleep(4000);

    const total = await orders.stop();
    say(`produced ${total} orders; the processes catch up…`);
    const caughtUp = async () => (await store.counted(topic)) >= total;
    await until(caughtUp, 120_000, 'count of every order', logs);
    const exits = await Promise.all(
      [...apps].map(async ([n, app]) => [n, await app.stop('SIGINT')]),
    );
    for (const [n, exit] of exits)
      if (exit !== 0) say(`process ${n}: exited with ${exit} on SIGINT`);

    const t = tally(orders.produced, await store.totals());
    say(tallyLine(total, t));
    return t.lost === 0 && t.duplicated === 0 ? 0 : 1;
  } finally {
    for (const app of apps.values()) app.child.kill('SIGKILL');
    await orders?.stop();
    await store.close();
    if (made && !broker.own) await dropTopic(broker.bootstrap, made);
    await broker.stop();
  }
}

process.exitCode = await main();
