// `dstream run` and the signals operators stop applications with (Ctrl-C, `kill`, `docker stop`,
// systemd, Kubernetes), and a failing application: the built CLI as a child process, counting
// lines sent by a TCP server in the test while they are still in flight.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SIGNAL_COPY_MS } from '../src/cli/options.js';
import { expectBuilt, root, startCli, type Cli } from './support/cli.js';

// The application, run by Node's type stripping: `app.ts <port> [mode]`. It counts the lines of
// each 300 ms batch (`count <n>`), and prints a line after awaitTermination() returns. Modes:
// `own-SIGINT`/`own-SIGTERM` handle that signal themselves, `slow` makes every batch wait a
// minute, `fail` throws from a map function.
const APP = `import { StreamingContext, Milliseconds } from 'dstream';

const [port, mode = ''] = process.argv.slice(2);
const ssc = new StreamingContext({
  master: 'local[2]',
  appName: 'Signals',
  batchDuration: Milliseconds(300),
  conf: { 'spark.streaming.stopGracefullyOnShutdown': 'true' },
});
ssc.setLogLevel('ERROR');
if (mode.startsWith('own-')) {
  const signal = mode.slice(4);
  process.on(signal, () => console.log('app handled ' + signal));
}
const lines = ssc.socketTextStream('127.0.0.1', Number(port));
if (mode === 'fail') lines.map((line: string): string => { throw new Error('bad line ' + line); }).print();
if (mode === 'slow') {
  lines.foreachRDD(async () => {
    console.log('slow batch');
    await new Promise((resolve) => setTimeout(resolve, 60_000));
  });
}
lines.foreachRDD(async (rdd) => console.log('count ' + (await rdd.count())));
await ssc.start();
console.log('started');
await ssc.awaitTermination();
console.log('after awaitTermination');
`;

/** A TCP server in place of `nc -lk`: the application's receiver connects to it. */
class LineSource {
  readonly server: Server;
  private readonly clients: Socket[] = [];
  private waiting: ((s: Socket) => void)[] = [];

  constructor() {
    this.server = createServer((socket) => {
      this.clients.push(socket);
      socket.on('error', () => undefined);
      for (const w of this.waiting.splice(0)) w(socket);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }

  /** The first connection of the receiver. */
  connection(): Promise<Socket> {
    const first = this.clients[0];
    return first ? Promise.resolve(first) : new Promise((r) => this.waiting.push(r));
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Sends `total` lines over a few batches, the last ones in one burst, then ends the stream and
 * resolves once the receiver has closed its side. The receiver stores every line before it
 * handles the end of the stream (and then closes and reconnects), so at that point every line
 * sent is in the application, most of the burst not yet in a batch.
 */
async function feed(socket: Socket, total: number): Promise<void> {
  const closed = new Promise((r) => socket.on('close', r));
  const burst = total / 2;
  for (let i = 0; i < total - burst; i++) {
    socket.write(`line ${i}\n`);
    await sleep(5);
  }
  let rest = '';
  for (let i = total - burst; i < total; i++) rest += `line ${i}\n`;
  socket.end(rest);
  await closed;
}

/** The sum of the application's per-batch counts. */
function counted(cli: Cli): number {
  let sum = 0;
  for (const m of cli.stdout().matchAll(/^count (\d+)$/gm)) sum += Number(m[1]);
  return sum;
}

let tmp: string;
let app: string;
const running: { cli?: Cli; source?: LineSource }[] = [];

async function start(mode = ''): Promise<{ cli: Cli; source: LineSource; socket: Socket }> {
  const source = new LineSource();
  const port = await source.listen();
  const cli = startCli(['run', app, String(port), mode]);
  running.push({ cli, source });
  await cli.waitFor('stdout', /^started$/m);
  return { cli, source, socket: await source.connection() };
}

beforeAll(async () => {
  expectBuilt();
  // Inside the repository, so that the application's `import 'dstream'` finds this package.
  await mkdir(join(root, '.tmp'), { recursive: true });
  tmp = await mkdtemp(join(root, '.tmp', 'cli-signals-'));
  app = join(tmp, 'app.ts');
  await writeFile(app, APP);
});
afterEach(async () => {
  for (const { cli, source } of running.splice(0)) {
    if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
    }
    await cli?.exited;
    await source?.close();
  }
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('dstream run: stop signals', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops gracefully on %s: every line received is counted, exit code 0',
    async (signal) => {
      const { cli, socket } = await start();
      await feed(socket, 400);
      cli.child.kill(signal);
      expect(await cli.exited).toBe(0);
      expect(counted(cli)).toBe(400);
      expect(cli.stdout()).toMatch(/^after awaitTermination$/m);
      expect(cli.stderr()).toContain(
        `dstream run: ${signal}: stopping the streaming context gracefully`,
      );
    },
  );

  it.each([
    ['SIGINT', 'SIGTERM'],
    ['SIGTERM', 'SIGINT'],
  ] as const)(
    'leaves %s to an application that handles it, and stops on %s',
    async (own, other) => {
      const { cli, socket } = await start(`own-${own}`);
      await feed(socket, 200);
      cli.child.kill(own);
      await cli.waitFor('stdout', new RegExp(`^app handled ${own}$`, 'm'));
      cli.child.kill(other);
      expect(await cli.exited).toBe(0);
      expect(counted(cli)).toBe(200);
      expect(cli.stdout()).toMatch(/^after awaitTermination$/m);
    },
  );

  it.each([
    ['SIGTERM', 'SIGINT', 130],
    ['SIGINT', 'SIGTERM', 143],
    ['SIGTERM', 'SIGTERM', 143],
  ] as const)(
    'exits at once on a second signal: %s then %s exits %d',
    async (first, second, code) => {
      const { cli } = await start('slow');
      await cli.waitFor('stdout', /^slow batch$/m);
      cli.child.kill(first);
      // The graceful stop waits for the slow batch, a minute.
      await cli.waitFor('stderr', new RegExp(`dstream run: ${first}: stopping`));
      // Sooner, the same signal would be taken for a copy of the first (the next test).
      await sleep(SIGNAL_COPY_MS);
      cli.child.kill(second);
      expect(await cli.exited).toBe(code);
      expect(cli.stderr()).toContain(`dstream run: ${second} again: exiting without waiting`);
      expect(cli.stdout()).not.toMatch(/after awaitTermination/);
    },
  );

  it('takes a copy of the first SIGINT, as npm forwards a Ctrl-C, for the same one: exit code 0', async () => {
    const { cli, socket } = await start();
    await feed(socket, 300);
    // What a Ctrl-C in a terminal does under `npm run`: the terminal's SIGINT, then npm's copy.
    cli.child.kill('SIGINT');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(counted(cli)).toBe(300);
    expect(cli.stdout()).toMatch(/^after awaitTermination$/m);
    expect(cli.stderr()).not.toContain('again: exiting without waiting');
  });
});

describe('dstream run: a failing application', () => {
  it('stops its context and exits with 1, printing the failure once', async () => {
    const { cli, socket } = await start('fail');
    socket.write('one\ntwo\n');
    expect(await cli.exited).toBe(1);
    const failed = cli.stderr().match(/dstream run: .*app\.ts failed\n/g) ?? [];
    expect(failed).toHaveLength(1);
    // Then the batch failure awaitTermination() rejected with, once: no later batch ran.
    expect(cli.stderr().match(/DStreamError: Batch \d+ ms failed: bad line/g)).toHaveLength(1);
    expect(cli.stdout()).not.toMatch(/after awaitTermination/);
  });
});
