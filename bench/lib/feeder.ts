/**
 * The socket benchmarks' data source, a process of its own so that generating and sending lines
 * never takes the engine's event loop: a TCP server (dstream's `LineServer`, the one `dstream
 * feed` uses) that, once a client connects, sends lines of bench/lib/word-data.ts at a paced rate,
 * a few lines every tick (10 ms: 1,000 lines at 100,000 lines/s).
 *
 *   node bench/lib/feeder.ts --rate 100000 [--tick 10] (--lines N | --seconds S)
 *
 * Pacing is a token bucket over real elapsed time, holding at most one second of lines: a tick the
 * scheduler ran late sends what it owes. While the client's socket is full (a receiver that stopped
 * reading: TCP flow control) nothing is sent and at most one second of lines is owed, as a source
 * that backs up. It stops after `--lines` lines or `--seconds` seconds of sending, then waits for
 * the client to close and exits.
 *
 * JSON lines on stdout: `{"event":"listening","port"}`, `{"event":"connected"}`, one
 * `{"event":"progress","ms","sent","congestedTicks"}` per second of sending, and at the end
 * `{"event":"summary","sent","fnv1a",...}`.
 *
 * `dstream feed`'s `PacedFeeder` is not used: it ticks every 100 ms (10,000-line bursts at this
 * rate) and never stops by itself, and an exact count is what tells the engine lost nothing.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { FNV_OFFSET, fnv1a, hex, WordGenerator } from './word-data.ts';

// The built server (types from the sources, so that this file type-checks before a build).
const built = new URL('../../dist/cli/line-server.js', import.meta.url).href;
const { LineServer } = (await import(built)) as typeof import('../../src/cli/line-server.js');

/** However the run ends, a feeder never outlives its engine by long. */
const HARD_LIMIT_EXTRA_MS = 120_000;

function print(event: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ ...event }) + '\n');
}

export interface FeederArgs {
  rate: number;
  tickMs: number;
  /** Stop after this many lines (exactly), or */
  lines?: number;
  /** after this many seconds of sending. */
  seconds?: number;
}

export async function feed(a: FeederArgs): Promise<void> {
  const gen = new WordGenerator();
  let hash = FNV_OFFSET;
  let sent = 0;
  let tokens = 0;
  let last = 0;
  let startedAt = 0;
  let ticks = 0;
  let congestedTicks = 0;
  let maxGapMs = 0;
  let timer: NodeJS.Timeout | undefined;
  let progress: NodeJS.Timeout | undefined;
  let finished = false;
  const cap = Math.max(1, a.rate);
  const limit = a.lines ?? Infinity;
  const endAfterMs = a.seconds !== undefined ? a.seconds * 1000 : Infinity;

  const summary = (why: string): void => {
    print({
      event: 'summary',
      why,
      sent,
      fnv1a: hex(hash),
      sendingMs: Math.round(last - startedAt),
      ticks,
      congestedTicks,
      maxTickGapMs: Math.round(maxGapMs * 10) / 10,
    });
  };

  const stopSending = (): void => {
    finished = true;
    clearInterval(timer);
    clearInterval(progress);
  };

  const tick = (): void => {
    const now = performance.now();
    const gap = now - last;
    last = now;
    ticks++;
    if (gap > maxGapMs) maxGapMs = gap;
    if (now - startedAt >= endAfterMs) {
      stopSending();
      return;
    }
    tokens = Math.min(tokens + (a.rate * gap) / 1000, cap);
    if (server.congested) {
      congestedTicks++;
      return;
    }
    const n = Math.min(Math.floor(tokens), limit - sent);
    if (n <= 0) return;
    tokens -= n;
    let text = '';
    for (let i = 0; i < n; i++) {
      const line = gen.nextLine();
      hash = fnv1a(hash, line);
      text += line + '\n';
    }
    server.send(text);
    sent += n;
    if (sent >= limit) stopSending();
  };

  const server = new LineServer({
    onConnect: () => {
      if (startedAt !== 0) return;
      print({ event: 'connected' });
      startedAt = last = performance.now();
      timer = setInterval(tick, a.tickMs);
      progress = setInterval(() => {
        print({
          event: 'progress',
          ms: Math.round(performance.now() - startedAt),
          sent,
          congestedTicks,
        });
      }, 1000);
    },
    onDisconnect: (_remote, clients) => {
      if (clients > 0) return;
      // The engine closed the connection: after the end of the feed, or because it stopped early.
      const early = !finished;
      stopSending();
      summary(early ? 'client closed before the end of the feed' : 'done');
      void server.close().then(() => process.exit(0));
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  print({ event: 'listening', port });
  const limitMs = (a.seconds ?? (a.lines ?? 0) / a.rate) * 1000 + HARD_LIMIT_EXTRA_MS;
  setTimeout(() => {
    stopSending();
    summary('hard time limit: the engine never closed its connection');
    process.exit(1);
  }, limitMs).unref();
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rate: { type: 'string', default: '100000' },
      tick: { type: 'string', default: '10' },
      lines: { type: 'string' },
      seconds: { type: 'string' },
    },
  });
  if ((values.lines === undefined) === (values.seconds === undefined))
    throw new Error('feeder: give --lines N or --seconds S');
  await feed({
    rate: Number(values.rate),
    tickMs: Number(values.tick),
    lines: values.lines === undefined ? undefined : Number(values.lines),
    seconds: values.seconds === undefined ? undefined : Number(values.seconds),
  });
}

if (import.meta.main) await main(process.argv.slice(2));
