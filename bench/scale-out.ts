/**
 * Scale-out (issue 23): examples/kafka-order-total-db.ts started as several processes of one
 * Kafka consumer group (`spark.streaming.kafka.scaleOut`), each in a fresh `dstream run`, on a
 * 3-partition topic of its own per run, adding per-province totals to the store (MySQL by default)
 * with the offsets in one transaction.
 *
 *   - throughput with 1, 2 and 3 processes, two ways. `preload`: N orders (default 300,000) are
 *     produced first, as fast as the broker takes them, partition i mod 3; then the N processes
 *     are started at once; measured from the spawn to the moment the offsets the store holds
 *     cover every order (polled every 100 ms), which includes starting the processes and forming
 *     the group. The orders each process added (its `<n> orders added` lines) show how the work
 *     spread: the first process to join fixes a first batch of whatever the topic holds, and a
 *     rebalance waits for the batches in flight, so a backlog may go to one process.
 *     `settled`: the processes start on the empty topic and are left until the group's
 *     assignment has settled (each owns a partition of its own, no change for 2 s); then the
 *     orders are produced; measured from the first send, the producer's own time beside it;
 * *   - takeover, 3 processes under a steady 300 orders/s: one is SIGKILLed, and the time from the
 *     kill to the survivors' latest `partitions:` lines naming every partition is measured (the
 *     consumer's 6 s session timeout is most of it); one is stopped with SIGINT (it leaves the
 *     group) for comparison. The victim rotates over rounds, and so does which case goes first.
 *
 * Every run ends with the store's totals checked against what was produced (each province's
 * orders cost one flat price, so counted = total / price: scripts/demo-kafka.ts); a run that lost
 * or duplicated an order, or whose process did not exit 0 on SIGINT, fails the benchmark. The
 * processes run with the web UI off. Logs: bench/.work/scale-out/. On a broker given with
 * --bootstrap, each run's topic is deleted after it.
 *
 *   node bench/scale-out.ts [--orders 300000] [--rounds 3] [--takeover-rounds 3]
 *     [--only preload,settled,takeover] [--processes 1,2,3] [--conf key=value ...]
 *     [--url mysql://root@127.0.0.1:3306/test] [--bootstrap host:port]
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  OrderApp,
  clientModule,
  coverAll,
  dropTopic,
  newTopic,
  orderLine,
  PRICES,
  produceOrders,
  tally,
  tallyLine,
  until,
} from '../scripts/demo-kafka.ts';
import { openStore, type DemoStore } from '../scripts/demo-store.ts';
import { startBenchBroker } from './lib/kafka-broker.ts';
import { BENCH_WORK, ensureBuilt, machine, reportHeader } from './lib/machine.ts';
import { formatSpread, median, spread } from './lib/stats.ts';

const PARTITIONS = 3;
const work = join(BENCH_WORK, 'scale-out');
const logs = `${work}/*.log`;
/** The processes' settings beside the example's own. */
const CONF = ['spark.ui.enabled=false'];

interface Setup {
  bootstrap: string;
  store: DemoStore;
  url: string;
  /** `--conf` settings of every process. */
  conf: string[];
  /** The broker is someone else's (`--bootstrap`): each run's topic is deleted after it. */
  shared: boolean;
}

async function tidy(setup: Setup, topic: string): Promise<void> {
  if (setup.shared) await dropTopic(setup.bootstrap, topic);
}

/** A run's processes, numbered from 1 as they start, their logs named after the run. */
class Group {
  readonly apps = new Map<number, OrderApp>();
  private started = 0;
  private readonly setup: Setup;
  readonly topic: string;
  private readonly run: string;

  constructor(setup: Setup, topic: string, run: string) {
    this.setup = setup;
    this.topic = topic;
    this.run = run;
  }

  start(): number {
    const n = ++this.started;
    const { bootstrap, url } = this.setup;
    const log = join(work, `${this.run}-process-${n}.log`);
    this.apps.set(
      n,
      new OrderApp(log, {
        ...{ bootstrap, topic: this.topic, url },
        ...{ conf: [...CONF, ...this.setup.conf], stamp: true },
      }),
    );
    return n;
  }

  /** Each process owns a partition of its own (all of them, when fewer than the partitions). */
  private shared(): boolean {
    const apps = [...this.apps.values()];
    const each = apps.length <= PARTITIONS ? apps.every((a) => a.owned?.size) : true;
    return each && coverAll(apps, PARTITIONS);
  }

  /** Until the assignment is shared and no process has changed what it owns for `quietMs`. */
  async settled(quietMs = 2000): Promise<void> {
    const quiet = () =>
      this.shared() &&
      performance.now() - Math.max(...[...this.apps.values()].map((a) => a.ownedSince)) > quietMs;
    await until(quiet, 90_000, `settled assignment in ${this.run}`, logs, 100);
  }

  /**
   * Stops process `n` with `signal`; resolves with the seconds until the others' latest
   * `partitions:` lines name every partition, and how the process ended.
   */
  async takeover(n: number, signal: NodeJS.Signals): Promise<{ s: number; exit: string }> {
    const app = this.apps.get(n)!;
    this.apps.delete(n);
    const t0 = performance.now();
    app.child.kill(signal);
    const covered = () => coverAll(this.apps.values(), PARTITIONS);
    await until(covered, 60_000, `takeover in ${this.run}`, logs, 20);
    const at = Math.max(...[...this.apps.values()].map((a) => a.ownedSince));
    return { s: (at - t0) / 1000, exit: String(await app.exited()) };
  }

  /**
   * SIGINT to every process once each has joined the group; fails unless each exits 0. The orders
   * each process added.
   */
  async stop(): Promise<number[]> {
    const apps = [...this.apps.values()];
    // A process still joining the group has no active context yet and would exit 130 at once.
    const joined = () => apps.every((a) => a.owned !== undefined);
    await until(joined, 60_000, `group joined by every process of ${this.run}`, logs, 100);
    const exits = await Promise.all(apps.map((a) => a.stop('SIGINT')));
    this.apps.clear();
    if (exits.some((e) => e !== 0)) {
      throw new Error(`${this.run}: exits ${exits.join(',')} on SIGINT`);
    }
    return apps.map((a) => a.added);
  }

  kill(): void {
    for (const app of this.apps.values()) app.child.kill('SIGKILL');
  }
}

/** Until the store's offsets for `topic` cover `total` orders; the moment it saw that. */
async function caughtUp(setup: Setup, topic: string, total: number): Promise<number> {
  await until(
    async () => (await setup.store.counted(topic)) >= total,
    300_000,
    'catch-up',
    logs,
    100,
  );
  return performance.now();
}

/** Fails unless the store's totals are exactly what was produced. */
async function check(setup: Setup, run: string, produced: readonly number[]): Promise<string> {
  const total = produced.reduce((a, b) => a + b, 0);
  const line = tallyLine(total, tally(produced, await setup.store.totals()));
  if (!line.endsWith('lost=0 duplicated=0') || !line.includes(`counted=${total} `)) {
    throw new Error(`${run}: ${line}`);
  }
  return line;
}

/** `count` orders, partition i mod 3, as fast as the broker acknowledges them (4 requests in flight). */
async function produceAll(bootstrap: string, topic: string, count: number): Promise<number[]> {
  const { Producer, ProduceAcks, stringSerializers } = await (await clientModule()).loadKafka();
  const producer = new Producer({
    clientId: 'dstream-bench-scale-out',
    bootstrapBrokers: [bootstrap],
    serializers: stringSerializers,
    acks: ProduceAcks.ALL,
  });
  const produced = PRICES.map(() => 0);
  const inFlight = new Set<Promise<unknown>>();
  try {
    for (let id = 0; id < count;) {
      const messages = [];
      for (const end = Math.min(count, id + 10_000); id < end; id++) {
        const { province, value } = orderLine(id);
        produced[province]!++;
        messages.push({ topic, value, partition: id % PARTITIONS });
      }
      const p: Promise<unknown> = producer.send({ messages }).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 4) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await producer.close();
  }
  return produced;
}

type Mode = 'preload' | 'settled';

interface Throughput {
  mode: Mode;
  processes: number;
  /** Orders per second over `seconds`. */
  rate: number;
  /** preload: first spawn to every order in the store; settled: first send to the same. */
  seconds: number;
  produceSeconds: number;
  /** The orders each process added, in the order they were started. */
  shares: number[];
}

/**
 * One throughput run: `preload` produces every order, then starts the processes (all at once);
 * `settled` starts them on the empty topic, waits for the assignment to settle, then produces.
 */
async function throughput(
  setup: Setup,
  mode: Mode,
  n: number,
  orders: number,
  run: string,
): Promise<Throughput> {
  const topic = await newTopic(setup.bootstrap, PARTITIONS);
  await setup.store.reset();
  const group = new Group(setup, topic, run);
  try {
    let t0 = performance.now();
    let produced: number[];
    let produceSeconds: number;
    if (mode === 'preload') {
      produced = await produceAll(setup.bootstrap, topic, orders);
      produceSeconds = (performance.now() - t0) / 1000;
      t0 = performance.now();
      for (let i = 0; i < n; i++) group.start();
    } else {
      for (let i = 0; i < n; i++) group.start();
      await group.settled();
      t0 = performance.now();
      produced = await produceAll(setup.bootstrap, topic, orders);
      produceSeconds = (performance.now() - t0) / 1000;
    }
    const seconds = ((await caughtUp(setup, topic, orders)) - t0) / 1000;
    const shares = await group.stop();
    await check(setup, run, produced);
    return { mode, processes: n, rate: orders / seconds, seconds, produceSeconds, shares };
  } finally {
    group.kill();
    await tidy(setup, topic);
  }
}

interface Takeover {
  signal: NodeJS.Signals;
  victim: number;
  s: number;
  exit: string;
}

async function takeovers(setup: Setup, round: number, run: string): Promise<Takeover[]> {
  const topic = await newTopic(setup.bootstrap, PARTITIONS);
  await setup.store.reset();
  const feed = await produceOrders(setup.bootstrap, topic, 300, 'dstream-bench-scale-out');
  const group = new Group(setup, topic, run);
  const results: Takeover[] = [];
  try {
    for (let i = 0; i < 3; i++) group.start();
    const signals: NodeJS.Signals[] =
      round % 2 === 0 ? ['SIGKILL', 'SIGINT'] : ['SIGINT', 'SIGKILL'];
    for (const signal of signals) {
      await group.settled();
      // Batches have been committed by every process before one goes.
      const before = await setup.store.counted(topic);
      await until(async () => (await setup.store.counted(topic)) > before, 30_000, 'batch', logs);
      await sleep(1000);
      const alive = [...group.apps.keys()];
      const victim = alive[round % alive.length]!;
      const t = await group.takeover(victim, signal);
      results.push({ signal, victim, ...t });
      process.stderr.write(
        `[scale-out] ${run} ${signal} of process ${victim}: takeover ${t.s.toFixed(2)} s\n`,
      );
      group.start();
    }
    await group.settled();
    const total = await feed.stop();
    await caughtUp(setup, topic, total);
    await group.stop();
    const line = await check(setup, run, feed.produced);
    process.stderr.write(`[scale-out] ${run}: ${line}\n`);
    return results;
  } finally {
    group.kill();
    await feed.stop();
    await tidy(setup, topic);
  }
}

function throughputTable(
  mode: Mode,
  orders: number,
  rounds: number,
  runs: readonly Throughput[],
): string[] {
  const base = median(runs.filter((t) => t.processes === 1).map((t) => t.rate));
  const how =
    mode === 'preload'
      ? 'produced before the processes start (all at once); first spawn to every order in the store'
      : 'produced once the group has settled; first send to every order in the store';
  const lines = [
    `Throughput, ${mode}: ${orders.toLocaleString('en')} orders ${how}; median (min–max) of ` +
      `${rounds} round(s):`,
    '',
    '| processes | orders/s | seconds | of 1 process | orders each process added, % (per run) | producing, s |',
    '|---|---|---|---|---|---|',
  ];
  for (const n of [...new Set(runs.map((t) => t.processes))].sort()) {
    const mine = runs.filter((t) => t.processes === n);
    const rate = spread(mine.map((t) => t.rate));
    const shares = mine
      .map((t) => t.shares.map((x) => Math.round((x / orders) * 100)).join('/'))
      .join(', ');
    lines.push(
      `| ${n} | ${formatSpread(rate, 0)} | ${formatSpread(spread(mine.map((t) => t.seconds)))} | ` +
        `${(rate.median / base).toFixed(2)}x | ${shares} | ` +
        `${formatSpread(spread(mine.map((t) => t.produceSeconds)))} |`,
    );
  }
  return lines;
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      orders: { type: 'string', default: '300000' },
      rounds: { type: 'string', default: '3' },
      'takeover-rounds': { type: 'string', default: '3' },
      only: { type: 'string', default: 'preload,settled,takeover' },
      url: { type: 'string', default: 'mysql://root@127.0.0.1:3306/test' },
      bootstrap: { type: 'string' },
      processes: { type: 'string', default: '1,2,3' },
      conf: { type: 'string', multiple: true, default: [] },
    },
  });
  const orders = Number(values.orders);
  const only = values.only.split(',');
  ensureBuilt();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const start = machine();
  const broker = values.bootstrap
    ? undefined
    : await startBenchBroker((m) => process.stderr.write(`[kafka] ${m}\n`));
  const store = await openStore(values.url);
  const bootstrap = values.bootstrap ?? broker!.bootstrap;
  const setup: Setup = {
    ...{ bootstrap, store, url: values.url, conf: values.conf },
    shared: values.bootstrap !== undefined,
  };
  const lines = [];
  try {
    for (const mode of (['preload', 'settled'] as const).filter((m) => only.includes(m))) {
      const runs: Throughput[] = [];
      const counts = values.processes.split(',').map(Number);
      for (let r = 0; r < Number(values.rounds); r++) {
        for (const n of counts.map((_, i) => counts[(i + r) % counts.length]!)) {
          const t = await throughput(setup, mode, n, orders, `${mode}-r${r + 1}-n${n}`);
          runs.push(t);
          process.stderr.write(
            `[scale-out] ${mode} round ${r + 1}, ${n} process(es): ${Math.round(t.rate)} ` +
              `orders/s (${t.seconds.toFixed(2)} s; produced in ${t.produceSeconds.toFixed(2)} s; ` +
              `each added ${t.shares.join(', ')})\n`,
          );
        }
      }
      lines.push(...throughputTable(mode, orders, Number(values.rounds), runs), '');
    }
    if (only.includes('takeover')) {
      const results: Takeover[] = [];
      for (let r = 0; r < Number(values['takeover-rounds']); r++) {
        results.push(...(await takeovers(setup, r, `takeover-${r + 1}`)));
      }
      lines.push(
        'Takeover, 3 processes at 300 orders/s: from the signal to the survivors owning every partition, s:',
        '',
        '| signal | takeover, s, median (min–max) | each (victim: s) | victim exit |',
        '|---|---|---|---|',
      );
      for (const signal of ['SIGKILL', 'SIGINT'] as const) {
        const mine = results.filter((t) => t.signal === signal);
        lines.push(
          `| ${signal} | ${formatSpread(spread(mine.map((t) => t.s)))} | ` +
            `${mine.map((t) => `${t.victim}: ${t.s.toFixed(2)}`).join(', ')} | ` +
            `${[...new Set(mine.map((t) => t.exit))].join(', ')} |`,
        );
      }
      lines.push('');
    }
  } finally {
    await store.close();
    await broker?.stop();
  }
  process.stdout.write([reportHeader(start, machine()), '', ...lines].join('\n'));
}

if (import.meta.main) await main(process.argv.slice(2));
