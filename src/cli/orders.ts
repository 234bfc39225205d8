import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { LineServer } from './line-server.js';
import { kafkaSink } from './orders-kafka.js';
import { note as noteOf, parsePort, parsePositive } from './options.js';

// `dstream orders`: the order lines of the seed's order-total example (`orderId,provinceId,
// orderPrice`), generated deterministically from a seed, to stdout, a TCP socket or a directory.

/** mulberry32: a small generator of numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface OrderGeneratorOptions {
  /** The same seed gives the same lines. */
  seed: number;
  /** The share of lines that are malformed (0 to 1), to exercise a job's error handling. */
  malformedRate?: number;
  /** Province ids are 1..provinces (34, China's provincial divisions). */
  provinces?: number;
}

/**
 * Order lines as in the seed (`201710261645320001,12,45.00`): an 18-digit order id, a province id
 * and a price with two decimals (0.50 to 2000.50, most below 100).
 */
export class OrderGenerator {
  /** Lines produced so far, and how many of them are malformed. */
  produced = 0;
  malformed = 0;
  private readonly random: () => number;

  constructor(private readonly o: OrderGeneratorOptions) {
    this.random = seededRandom(o.seed);
  }

  next(): string {
    const r = this.random;
    const id = '20171026' + String(this.produced + 1).padStart(10, '0');
    const province = 1 + Math.floor(r() * (this.o.provinces ?? 34));
    const price = ((50 + Math.floor(r() ** 3 * 200_000)) / 100).toFixed(2);
    this.produced++;
    if (r() < (this.o.malformedRate ?? 0)) {
      this.malformed++;
      const broken = [
        '',
        'garbage',
        `${id},${province}`,
        `${id},${province},abc`,
        `${id},,${price}`,
        `${id};${province};${price}`,
      ];
      return broken[Math.floor(r() * broken.length)]!;
    }
    return `${id},${province},${price}`;
  }
}

export interface OrdersOptions {
  rate: number;
  seed?: number;
  count?: number;
  port?: number;
  host: string;
  dir?: string;
  malformedRate: number;
  /** With --dir: a new file every this many milliseconds. */
  interval: number;
  /** Send the lines as records of `topic` to the Kafka broker(s) at this bootstrap address. */
  kafka?: string;
  topic?: string;
  /** With --port: called with the port bound (port 0 binds a free one). */
  onListening?: (port: number) => void;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('Not a whole number.');
  return n;
}

function parseShare(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) {
    throw new InvalidArgumentError('Not a share between 0 and 1.');
  }
  return n;
}

function note(message: string): void {
  noteOf('orders', message);
}

/** The `dstream orders` command (register it with `program.addCommand(ordersCommand())`). */
export function ordersCommand(): Command {
  return new Command('orders')
    .summary('generate order lines (orderId,provinceId,orderPrice) for the order examples')
    .description(
      'Generate order lines `orderId,provinceId,orderPrice` at a given rate, the input of ' +
        'examples/order-total.ts and examples/order-window.ts. The same --seed gives the same ' +
        'lines. Lines go to stdout, to every client of a TCP server (--port, for ' +
        'socketTextStream), or into files renamed atomically into a directory (--dir, for ' +
        'textFileStream), or to a Kafka topic (--kafka with --topic, for the Kafka examples). ' +
        'Progress goes to stderr. Ctrl-C stops.',
    )
    .option('-r, --rate <lines>', 'lines per second', parsePositive, 10)
    .option('-s, --seed <n>', 'seed of the generator (default: random, printed)', parseCount)
    .option('-n, --count <n>', 'stop after this many lines', parseCount)
    .option('-p, --port <port>', 'serve the lines over TCP on this port', parsePort)
    .option('--host <host>', 'address to listen on, with --port', '127.0.0.1')
    .option('-d, --dir <dir>', 'write the lines as files into this directory')
    .option(
      '--interval <ms>',
      'with --dir, start a new file every this many ms',
      parsePositive,
      1000,
    )
    .option('--kafka <bootstrap>', 'send the lines to Kafka at host:port (with --topic)')
    .option('--topic <name>', 'with --kafka, the topic')
    .option('--malformed-rate <share>', 'share of malformed lines (0 to 1)', parseShare, 0)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  dstream orders --seed 7 --count 5            # five lines on stdout, always the same\n' +
        '  dstream orders --port 9999 --rate 100        # for examples/order-total.ts localhost 9999\n' +
        '  dstream orders --dir /tmp/orders --rate 50   # for examples/order-total.ts --dir /tmp/orders\n' +
        '  dstream orders --kafka 127.0.0.1:9092 --topic orders --rate 100   # to a Kafka topic',
    )
    .action(async function (this: Command, options: OrdersOptions) {
      const targets = [options.port, options.dir, options.kafka].filter((t) => t !== undefined);
      if (targets.length > 1) this.error('error: give one of --port, --dir, --kafka');
      if ((options.kafka === undefined) !== (options.topic === undefined)) {
        this.error('error: --kafka and --topic go together');
      }
      await runOrders(options);
    });
}

const TICK_MS = 100;

/** Generates order lines as `dstream orders` does, until `count` lines or Ctrl-C. */
export async function runOrders(options: OrdersOptions): Promise<void> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (options.seed === undefined) note(`seed ${seed} (pass --seed ${seed} to repeat these lines)`);
  const generator = new OrderGenerator({ seed, malformedRate: options.malformedRate });
  const sink =
    options.port !== undefined
      ? await serverSink(options.port, options.host, options.onListening)
      : options.dir !== undefined
        ? directorySink(options.dir, options.interval)
        : options.kafka !== undefined && options.topic !== undefined
          ? await kafkaSink(options.kafka, options.topic)
          : stdoutSink();
  let stopped = false;
  let tokens = 0;
  let last = performance.now();
  await new Promise<void>((done, fail) => {
    const finish = (): void => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      void sink.close().then(() => {
        note(`${generator.produced} lines (${generator.malformed} malformed), seed ${seed}`);
        done();
      }, fail);
    };
    const timer = setInterval(() => {
      const now = performance.now();
      tokens = Math.min(tokens + (options.rate * (now - last)) / 1000, Math.max(1, options.rate));
      last = now;
      if (!sink.ready()) {
        tokens = Math.min(tokens, 1);
        return;
      }
      let n = Math.floor(tokens);
      if (options.count !== undefined) n = Math.min(n, options.count - generator.produced);
      tokens -= n;
      if (n > 0) {
        let text = '';
        for (let i = 0; i < n; i++) text += generator.next() + '\n';
        sink.write(text);
      }
      if (options.count !== undefined && generator.produced >= options.count) finish();
    }, TICK_MS);
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });
}

interface Sink {
  /** False while lines should not be produced (no client yet, a slow reader). */
  ready(): boolean;
  write(text: string): void;
  close(): Promise<void>;
}

function stdoutSink(): Sink {
  let draining = false;
  return {
    ready: () => !draining,
    write: (text) => {
      if (!process.stdout.write(text)) {
        draining = true;
        process.stdout.once('drain', () => (draining = false));
      }
    },
    close: () => new Promise((done) => process.stdout.write('', () => done())),
  };
}

/** Each interval's lines become one file, written under a hidden name and renamed into place. */
function directorySink(dir: string, interval: number): Sink {
  const path = resolve(dir);
  mkdirSync(path, { recursive: true });
  let pending = '';
  let files = 0;
  const flush = (): void => {
    if (pending === '') return;
    const name = `orders-${String(++files).padStart(6, '0')}-${process.pid}.csv`;
    const temp = join(path, `.${name}.tmp`);
    writeFileSync(temp, pending);
    renameSync(temp, join(path, name));
    pending = '';
  };
  const timer = setInterval(flush, interval);
  note(`writing a file every ${interval} ms into ${path}`);
  return {
    ready: () => true,
    write: (text) => (pending += text),
    close: async () => {
      clearInterval(timer);
      flush();
    },
  };
}

/** Lines to every client of a {@link LineServer} (as `nc -lk`); lines wait for a first client. */
async function serverSink(
  port: number,
  host: string,
  onListening?: (port: number) => void,
): Promise<Sink> {
  const server = new LineServer({
    onConnect: (remote) => note(`${remote} connected`),
    onDisconnect: (remote) => note(`${remote} disconnected`),
  });
  const bound = await server.listen(port, host);
  note(`listening on ${host}:${bound}`);
  onListening?.(bound);
  return {
    ready: () => server.clientCount > 0 && !server.congested,
    write: (text) => void server.send(text),
    close: () => server.close(),
  };
}
