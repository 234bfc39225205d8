/**
 * What the Kafka demos (demo-exactly-once.ts, demo-scale-out.ts) and bench/scale-out.ts share: a
 * broker, orders at one flat price per province (so a province's total says how many of its
 * orders were counted: counted = total / price), examples/kafka-order-total-db.ts run as a process
 * of its own with its output in a log file, and the tally of the store against what was produced.
 *
 * Loads the built package (dist/, made by `npm install` or `npm run build`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

type BrokerModule = typeof import('../src/cli/kafka/broker.js');
type ClientModule = typeof import('../src/sources/kafka/client/index.js');

export const ROOT = join(import.meta.dirname, '..');
const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;

export const brokerModule = async () => (await import(dist('cli/kafka/broker.js'))) as BrokerModule;
export const clientModule = async () =>
  (await import(dist('sources/kafka/client/index.js'))) as ClientModule;

export const say = (line: string) => process.stdout.write(`${line}\n`);

/** The flat price of an order in each province, in cents. */
export const PRICES = [1250, 880, 1999, 4500, 350, 2725, 1010, 666, 9900, 120];

/** Order `id` as the example reads it (`orderId,provinceId,orderPrice`), provinces in turn. */
export function orderLine(id: number): { province: number; value: string } {
  const province = id % PRICES.length;
  const cents = PRICES[province]!;
  const price = `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  return { province, value: `${id},${province},${price}` };
}

export interface DemoBroker {
  bootstrap: string;
  /** True when the broker was started here (and `stop()` stops it). */
  own: boolean;
  stop(): Promise<void>;
}

/**
 * The broker a demo uses: `bootstrap` when given; else, with `reuseLocal`, 127.0.0.1:9092 when
 * something answers there (the broker of `dstream kafka start`); else a broker of its own on free
 * ports, its files in `runDir`.
 */
export async function openBroker(
  runDir: string,
  options: { bootstrap?: string | undefined; reuseLocal?: boolean } = {},
): Promise<DemoBroker> {
  const { startBroker, stopBroker, freePort, accepts } = await brokerModule();
  const given =
    options.bootstrap ?? (options.reuseLocal && (await accepts(9092)) && '127.0.0.1:9092');
  if (given) return { bootstrap: given, own: false, stop: () => Promise.resolve() };
  say('starting a Kafka broker…');
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const broker = await startBroker({
    runDir,
    port,
    controllerPort,
    progress: (m) => say(`  ${m}`),
  });
  return {
    bootstrap: broker.bootstrap!,
    own: true,
    stop: async () => void (await stopBroker(runDir)),
  };
}

/** A topic of its own for a run: the store holds no offsets for it, so the example starts at the earliest. */
export async function newTopic(bootstrap: string, partitions: number): Promise<string> {
  const topic = `orders-${randomUUID().slice(0, 8)}`;
  await (await clientModule()).createTopic([bootstrap], topic, partitions, 1);
  return topic;
}

/** Deletes a run's topic from a broker the demo did not start (best effort: it only tidies). */
export async function dropTopic(bootstrap: string, topic: string): Promise<void> {
  const { Admin } = await (await clientModule()).loadKafka();
  const admin = new Admin({ clientId: 'dstream-demo-admin', bootstrapBrokers: [bootstrap] });
  try {
    await admin.deleteTopics({ topics: [topic] });
  } catch {
    // Left behind: harmless, the next run uses a topic of its own.
  } finally {
    await admin.close();
  }
}

export interface OrderFeed {
  /** Orders sent so far, per province. */
  readonly produced: readonly number[];
  /** Orders sent so far. */
  readonly total: number;
  /**
   * Stops sending; resolves with the number of orders sent once the last send is acknowledged
   * (the same promise each call).
   */
  stop(): Promise<number>;
}

/** Sends `rate` orders a second to `topic`, in ticks of 100 ms, until stopped. */
export async function produceOrders(
  bootstrap: string,
  topic: string,
  rate: number,
  clientId: string,
): Promise<OrderFeed> {
  const producer = await (await clientModule()).openProducer([bootstrap], clientId);
  const produced = PRICES.map(() => 0);
  let total = 0;
  let producing = true;
  const production = (async () => {
    while (producing) {
      const lines = Array.from({ length: Math.max(1, Math.round(rate / 10)) }, () => {
        const { province, value } = orderLine(total++);
        produced[province]!++;
        return { value };
      });
      await producer.send(topic, lines);
      await sleep(100);
    }
  })();
  let stopped: Promise<number> | undefined;
  return {
    produced,
    get total() {
      return total;
    },
    stop() {
      producing = false;
      stopped ??= production.finally(() => producer.close()).then(() => total);
      return stopped;
    },
  };
}

export interface Tally {
  counted: number;
  lost: number;
  duplicated: number;
}

/** What the store's totals (cents per province) say was counted, against what was produced. */
export function tally(produced: readonly number[], totals: Map<number, number>): Tally {
  const t: Tally = { counted: 0, lost: 0, duplicated: 0 };
  PRICES.forEach((price, province) => {
    const n = Math.round((totals.get(province) ?? 0) / price);
    t.counted += n;
    t.lost += Math.max(0, produced[province]! - n);
    t.duplicated += Math.max(0, n - produced[province]!);
  });
  return t;
}

/** The demos' last line. */
export function tallyLine(total: number, t: Tally): string {
  return `produced=${total} counted=${t.counted} lost=${t.lost} duplicated=${t.duplicated}`;
}

/**
 * examples/kafka-order-total-db.ts in a process of its own (`dstream run`, with `--conf` of each
 * of `app.conf`), stdout and stderr in `logFile`. It follows the `partitions: <topic>-<p>, ...` lines the example prints whenever what
 * it owns changes.
 */
export class OrderApp {
  readonly child: ChildProcess;
  /** The partitions of its latest `partitions:` line; undefined before the first. */
  owned: ReadonlySet<number> | undefined;
  /** When that line came (performance.now()). */
  ownedSince = 0;
  /** Orders its batches added (`<time>: <n> orders added` lines), summed. */
  added = 0;
  private readonly exit: Promise<number | NodeJS.Signals>;

  constructor(
    logFile: string,
    app: {
      bootstrap: string;
      topic: string;
      url: string;
      conf?: readonly string[];
      /** Prefix each line of stdout in the log with the seconds since the spawn (`[12.345]`). */
      stamp?: boolean;
    },
    /** Hears each `partitions:` line as it comes. */
    onPartitions: (line: string) => void = () => {},
  ) {
    const log = createWriteStream(logFile);
    const cli = join(ROOT, 'dist', 'cli', 'main.js');
    const conf = (app.conf ?? []).flatMap((setting) => ['--conf', setting]);
    const args = [
      'run',
      ...conf,
      'examples/kafka-order-total-db.ts',
      ...[app.bootstrap, app.topic, app.url],
    ];
    const spawned = performance.now();
    const stamp = () =>
      app.stamp ? `[${((performance.now() - spawned) / 1000).toFixed(3)}] ` : '';
    this.child = spawn(process.execPath, [cli, ...args], { cwd: ROOT });
    this.child.stderr!.pipe(log, { end: false });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      log.write(`${stamp()}${line}\n`);
      const batch = / (\d+) orders added$/.exec(line);
      if (batch) this.added += Number(batch[1]);
      if (!line.startsWith('partitions:')) return;
      const names = line.slice('partitions:'.length).split(',');
      // `<topic>-<p>`: the topic's own name may hold dashes, the partition is after the last.
      this.owned = new Set(
        names.filter((n) => n.trim() !== '').map((n) => Number(n.slice(n.lastIndexOf('-') + 1))),
      );
      this.ownedSince = performance.now();
      onPartitions(line);
    });
    this.exit = new Promise((done) =>
      this.child.once('exit', (code, signal) => {
        log.end();
        done(code ?? signal ?? 'SIGKILL');
      }),
    );
  }

  /** The exit code, or the signal that ended it. */
  exited(): Promise<number | NodeJS.Signals> {
    return this.exit;
  }

  /** Sends `signal` and waits for the process to end. */
  async stop(signal: NodeJS.Signals): Promise<number | NodeJS.Signals> {
    this.child.kill(signal);
    return this.exit;
  }
}

/** True when the apps' latest `partitions:` lines together name every one of `partitions`. */
export function coverAll(apps: Iterable<OrderApp>, partitions: number): boolean {
  const union = new Set<number>();
  for (const app of apps) for (const p of app.owned ?? []) union.add(p);
  return union.size === partitions;
}

/** Polls `check` every `everyMs` until it holds; fails after `timeoutMs`, naming `what` and where to look. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  logs: string,
  everyMs = 200,
): Promise<void> {
  const since = performance.now();
  while (!(await check())) {
    if (performance.now() - since > timeoutMs) {
      throw new Error(`no ${what} after ${timeoutMs / 1000} s: see ${logs}`);
    }
    await sleep(everyMs);
  }
}
