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
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { openStore } from './demo-store.ts';

type BrokerModule = typeof import('../src/cli/kafka/broker.js');
type ClientModule = typeof import('../src/sources/kafka/client/index.js');

const root = join(import.meta.dirname, '..');
const work = join(root, '.tmp', 'demo-exactly-once');
const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;

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
/** The flat price of an order in each province, in cents. */
const PRICES = [1250, 880, 1999, 4500, 350, 2725, 1010, 666, 9900, 120];

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const store = await openStore(args.url);
  const { startBroker, stopBroker, freePort } = (await import(
    dist('cli/kafka/broker.js')
  )) as BrokerModule;
  const client = (await import(dist('sources/kafka/client/index.js'))) as ClientModule;
  const runDir = join(work, 'kafka');
  let app: ChildProcess | undefined;
  try {
    say('starting a Kafka broker…');
    const broker = await startBroker({
      runDir,
      port: await freePort(),
      controllerPort: await freePort(),
      progress: (m) => say(`  ${m}`),
    });
    const bootstrap = broker.bootstrap!;
    // A new topic each run: the store holds no offsets for it, so the example starts at the earliest.
    const topic = `orders-${randomUUID().slice(0, 8)}`;
    await client.createTopic([bootstrap], topic, PARTITIONS, 1);
    await store.reset();
    say(`broker ${bootstrap}, topic ${topic} (${PARTITIONS} partitions), store ${args.url}`);

    const producer = await client.openProducer([bootstrap], 'demo-exactly-once');
    const produced = PRICES.map(() => 0);
    let orderId = 0;
    let producing = true;
    const production = (async () => {
      // RATE orders a second, in ticks of 100 ms, provinces in turn.
      while (producing) {
        const lines = Array.from({ length: Math.max(1, Math.round(RATE / 10)) }, () => {
          const province = orderId % PRICES.length;
          produced[province]!++;
          return { value: `${orderId++},${province},${yuan(PRICES[province]!)}` };
        });
        await producer.send(topic, lines);
        await sleep(100);
      }
    })();

    const cli = join(root, 'dist', 'cli', 'main.js');
    const runArgs = ['run', 'examples/kafka-order-total-db.ts', bootstrap, topic, args.url];
    let run = 0;
    const startApp = (): ChildProcess => {
      run++;
      const log = createWriteStream(join(work, `app-${run}.log`));
      const child = spawn(process.execPath, [cli, ...runArgs], { cwd: root });
      child.stdout.pipe(log);
      child.stderr.pipe(log);
      return child;
    };

    for (let kill = 1; kill <= KILLS; kill++) {
      app = startApp();
      const before = await store.counted(topic);
      // Killed once it has committed a batch or two, at a random moment of a batch.
      await until(async () => (await store.counted(topic)) > before, 90_000, 'a committed batch');
      await sleep(500 + Math.random() * 3000);
      app.kill('SIGKILL');
      await exited(app);
      say(`kill ${kill}: SIGKILL after ${await store.counted(topic)} orders committed`);
    }
    producing = false;
    await production;
    await producer.close();
    const total = orderId;
    say(`produced ${total} orders; the last run catches up…`);
    app = startApp();
    await until(async () => (await store.counted(topic)) >= total, 120_000, 'every order counted');
    app.kill('SIGINT');
    await exited(app);
    app = undefined;

    const totals = await store.totals();
    let counted = 0;
    let lost = 0;
    let duplicated = 0;
    PRICES.forEach((price, province) => {
      const n = Math.round((totals.get(province) ?? 0) / price);
      counted += n;
      lost += Math.max(0, produced[province]! - n);
      duplicated += Math.max(0, n - produced[province]!);
    });
    say(`produced=${total} counted=${counted} lost=${lost} duplicated=${duplicated}`);
    return lost === 0 && duplicated === 0 && counted === total ? 0 : 1;
  } finally {
    app?.kill('SIGKILL');
    await store.close();
    await stopBroker(runDir);
  }
}

function yuan(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const since = performance.now();
  while (!(await check())) {
    if (performance.now() - since > timeoutMs) {
      throw new Error(`no ${what} after ${timeoutMs / 1000} s: see ${work}/app-*.log`);
    }
    await sleep(200);
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

process.exitCode = await main();
