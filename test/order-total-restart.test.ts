// The README's flagship flow, as a user runs it: examples/order-total.ts reads order lines from a
// socket with a checkpoint directory, is stopped (Ctrl-C, graceful or not) or killed (SIGKILL)
// after a batch at each position of its snapshot cycle (a batch with a state snapshot, one
// without), and is run again. Totals printed before never go backwards after a Ctrl-C; with the
// receiver write-ahead log they are exact after a SIGKILL too; without it, a SIGKILL loses the
// batches since the last snapshot, and recovery says so.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderGenerator } from '../src/cli/orders.js';
import { readCheckpoint } from '../src/streaming/checkpoint/recovery.js';
import { expectBuilt, startCli, type Cli } from './support/cli.js';

/** Totals per province, in cents. */
type Totals = Map<number, number>;

/** The socket the application reads: sends each round of lines to its newest connection. */
class OrderSource {
  private readonly server: Server;
  private readonly clients: Socket[] = [];
  private readonly generator: OrderGenerator;
  /** What every line sent adds up to, as the example parses it. */
  readonly expected: Totals = new Map();

  constructor(seed: number) {
    this.generator = new OrderGenerator({ seed, malformedRate: 0.02 });
    this.server = createServer((socket) => {
      socket.on('error', () => undefined);
      this.clients.push(socket);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }

  /** Sends `n` lines once the application (its latest run) has connected. */
  async sendRound(n: number, connections: number): Promise<void> {
    while (this.clients.length < connections) await new Promise((r) => setTimeout(r, 50));
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const line = this.generator.next();
      lines.push(line);
      const m = /^\s*(\d+),(\d+),(\d+(?:\.\d{1,2})?)\s*$/.exec(line);
      if (m) {
        const province = Number(m[2]);
        this.expected.set(
          province,
          (this.expected.get(province) ?? 0) + Math.round(Number(m[3]) * 100),
        );
      }
    }
    this.clients[connections - 1]!.write(lines.join('\n') + '\n');
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

/** The batches a run printed: time and totals. */
function printedBatches(stdout: string): { time: number; totals: Totals }[] {
  const batches: { time: number; totals: Totals }[] = [];
  for (const block of stdout.split(/^-+\nTime: /m).slice(1)) {
    const time = Number(/^(\d+) ms/.exec(block)?.[1]);
    const totals: Totals = new Map();
    for (const m of block.matchAll(/^\((\d+),(\d+)\.(\d{2})\)$/gm)) {
      totals.set(Number(m[1]), Number(m[2]) * 100 + Number(m[3]));
    }
    batches.push({ time, totals });
  }
  return batches;
}

const same = (a: Totals, b: Totals) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** Waits until the run prints a batch with exactly `expected`; returns that batch's time. */
async function printedExactly(run: Cli, expected: Totals): Promise<number> {
  for (;;) {
    const batches = printedBatches(run.stdout());
    const found = batches.find((b) => same(b.totals, expected));
    if (found) return found.time;
    await run.waitFor('stdout', new RegExp(`(?:Time: \\d+ ms[\\s\\S]*?){${batches.length + 1}}`));
  }
}

interface Case {
  readonly name: string;
  readonly signal: 'SIGINT' | 'SIGKILL';
  readonly conf: readonly string[];
  /** Stop after a batch whose time has a state snapshot (10 s cycle of 5 s batches), or not. */
  readonly atSnapshot: boolean;
}

const GRACEFUL = 'spark.streaming.stopGracefullyOnShutdown=true';
const WAL = 'spark.streaming.receiver.writeAheadLog.enable=true';

const cases: Case[] = [];
for (const atSnapshot of [true, false]) {
  cases.push(
    { name: 'Ctrl-C, graceful', signal: 'SIGINT', conf: [GRACEFUL], atSnapshot },
    { name: 'Ctrl-C', signal: 'SIGINT', conf: [], atSnapshot },
    { name: 'SIGKILL with the write-ahead log', signal: 'SIGKILL', conf: [WAL], atSnapshot },
  );
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'dstream-order-restart-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function runExample(c: Pick<Case, 'conf'>, port: number, checkpoint: string): Cli {
  const conf = c.conf.flatMap((kv) => ['--conf', kv]);
  return startCli([
    'run',
    ...conf,
    'examples/order-total.ts',
    '127.0.0.1',
    String(port),
    '--checkpoint',
    checkpoint,
  ]);
}

/** Runs the example, feeds it until a batch at the case's position printed everything, stops it. */
async function firstRun(c: Case, source: OrderSource, port: number, checkpoint: string) {
  const run = runExample(c, port, checkpoint);
  for (let round = 1; ; round++) {
    await source.sendRound(60, 1);
    const time = await printedExactly(run, source.expected);
    const zero = readCheckpoint(checkpoint)!.record.zeroTimeMs;
    if (((time - zero) % 10_000 === 0) === c.atSnapshot) break;
    expect(round, 'the snapshot cycle has two batches').toBeLessThan(4);
  }
  run.child.kill(c.signal);
  const code = await run.exited;
  return { code, totals: new Map(source.expected), run };
}

describe.concurrent('examples/order-total.ts over a socket, stopped and run again', () => {
  beforeAll(() => expectBuilt());

  for (const c of cases) {
    const position = c.atSnapshot ? 'a batch with a snapshot' : 'a batch without a snapshot';
    it(`${c.name} after ${position}: totals go on exactly`, { timeout: 120_000 }, async () => {
      const source = new OrderSource(11 + cases.indexOf(c));
      const port = await source.listen();
      const checkpoint = join(tmp, `${c.signal}-${c.conf.join(',')}-${c.atSnapshot}`);
      try {
        const first = await firstRun(c, source, port, checkpoint);
        expect(first.code).toBe(c.signal === 'SIGKILL' ? 'SIGKILL' : 0);

        const second = runExample(c, port, checkpoint);
        await second.waitFor('stdout', /Time: \d+ ms/);
        const [earliest] = printedBatches(second.stdout());
        if (c.signal === 'SIGINT') {
          // After a stop, the second run goes on from the last batch printed: no total is lower.
          for (const [province, cents] of first.totals) {
            expect(earliest!.totals.get(province), `province ${province}`).toBeGreaterThanOrEqual(
              cents,
            );
          }
        }
        await source.sendRound(60, 2);
        await printedExactly(second, source.expected);
        // After a crash, the batches printed before that run again print the same totals.
        const before = new Map(printedBatches(first.run.stdout()).map((b) => [b.time, b.totals]));
        for (const b of printedBatches(second.stdout())) {
          if (before.has(b.time))
            expect(same(b.totals, before.get(b.time)!), `batch ${b.time}`).toBe(true);
        }
        await source.sendRound(60, 2);
        await printedExactly(second, source.expected);
        expect(second.stderr()).not.toContain('could not be recovered');
        second.child.kill('SIGINT');
        expect(await second.exited).toBe(0);
      } finally {
        await source.close();
      }
    });
  }

  it(
    'SIGKILL without the write-ahead log after a batch without a snapshot: recovery says what is lost',
    { timeout: 120_000 },
    async () => {
      const c: Case = { name: 'SIGKILL', signal: 'SIGKILL', conf: [], atSnapshot: false };
      const source = new OrderSource(7);
      const port = await source.listen();
      const checkpoint = join(tmp, 'SIGKILL-no-wal');
      try {
        await firstRun(c, source, port, checkpoint);
        const second = runExample(c, port, checkpoint);
        await second.waitFor(
          'stderr',
          /Some blocks could not be recovered as they were not found in memory\. To prevent such data loss, enable Write Ahead Log/,
        );
        expect(second.stderr()).toContain('spark.streaming.receiver.writeAheadLog.enable=true');
        second.child.kill('SIGINT');
        expect(await second.exited).toBe(0);
      } finally {
        await source.close();
      }
    },
  );
});
