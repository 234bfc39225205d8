import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DirectRateLimit,
  DStreamError,
  PIDRateEstimator,
  Receiver,
  Seconds,
  setLogLevel,
  StreamingContext,
  type PerPartitionConfig,
} from 'dstream';
import { createManualContext } from 'dstream/testing';

// Spark's PIDRateEstimatorSuite and RateControllerSuite, plus what dstream adds because a
// receiver on an event loop cannot block: under overload the backlog stays bounded.

beforeAll(() => setLogLevel('WARN'));
afterEach(() => vi.restoreAllMocks());

/** Spark's `createDefaultEstimator`. */
function defaultEstimator(): PIDRateEstimator {
  return new PIDRateEstimator(20, 1, 0, 0, 10);
}

/** Runs one `compute` per index, as the suite's `for (i <- 0 until 50)`. */
function series(
  p: PIDRateEstimator,
  n: number,
  at: (i: number) => [time: number, elements: number, proc: number, sched: number],
): (number | undefined)[] {
  return Array.from({ length: n }, (_, i) => p.compute(...at(i)));
}

describe('PIDRateEstimator', () => {
  it('checks ranges with Spark messages', () => {
    const cases: [() => unknown, string][] = [
      [
        () => new PIDRateEstimator(0, 1, 2, 3, 10),
        'Specified batch interval 0 in PIDRateEstimator is invalid.',
      ],
      [
        () => new PIDRateEstimator(100, -1, 2, 3, 10),
        'Proportional term -1.0 in PIDRateEstimator should be >= 0.',
      ],
      [
        () => new PIDRateEstimator(100, 0, -1, 3, 10),
        'Integral term -1.0 in PIDRateEstimator should be >= 0.',
      ],
      [
        () => new PIDRateEstimator(100, 0, 0, -1, 10),
        'Derivative term -1.0 in PIDRateEstimator should be >= 0.',
      ],
      [
        () => new PIDRateEstimator(100, 0, 0, 0, 0),
        'Minimum rate in PIDRateEstimator should be > 0',
      ],
      [
        () => new PIDRateEstimator(100, 0, 0, 0, -10),
        'Minimum rate in PIDRateEstimator should be > 0',
      ],
    ];
    for (const [make, message] of cases) {
      expect(make).toThrow(
        expect.objectContaining({
          code: 'DSTREAM_ERR_INVALID_CONF',
          message: `requirement failed: ${message}`,
        }),
      );
    }
  });

  it('gives no first estimate, then the processing rate', () => {
    const p = defaultEstimator();
    expect(p.compute(0, 10, 10, 0)).toBeUndefined();
    // 10 records in 10 ms: 1000 records/s.
    expect(p.compute(10, 10, 10, 0)).toBe(1000);
  });

  it('gives no estimate without time since the previous one', () => {
    const p = defaultEstimator();
    p.compute(0, 10, 10, 0);
    expect(p.compute(10, 10, 10, 0)).toBeDefined();
    expect(p.compute(10, 10, 10, 0)).toBeUndefined();
  });

  it('gives no estimate without records or without processing delay', () => {
    const p = defaultEstimator();
    p.compute(0, 10, 10, 0);
    expect(p.compute(10, 0, 10, 0)).toBeUndefined();
    expect(p.compute(20, -10, 10, 0)).toBeUndefined();
    expect(p.compute(30, 10, 0, 0)).toBeUndefined();
    expect(p.compute(40, 10, -10, 0)).toBeUndefined();
  });

  it('never estimates less than the minimum rate', () => {
    const p = new PIDRateEstimator(20, 1, 1, 0, 5);
    // One record per 20 ms batch with a scheduling delay that keeps growing the integral term.
    const res = series(p, 50, (i) => [i * 20, 1, 20, 100]);
    expect(res[0]).toBeUndefined();
    expect(res.slice(1)).toEqual(Array<number>(49).fill(5));
  });

  it('follows the processing speed up and down when nothing waits', () => {
    const up = series(new PIDRateEstimator(20, 1, 1, 0, 10), 50, (i) => [
      i * 20,
      (i + 1) * 20,
      20,
      0,
    ]);
    expect(up[0]).toBeUndefined();
    expect(up.slice(1)).toEqual(Array.from({ length: 49 }, (_, i) => (i + 2) * 1000));
    const down = series(new PIDRateEstimator(20, 1, 1, 0, 10), 50, (i) => [
      i * 20,
      (50 - i) * 20,
      20,
      0,
    ]);
    expect(down[0]).toBeUndefined();
    expect(down.slice(1)).toEqual(Array.from({ length: 49 }, (_, i) => (49 - i) * 1000));
  });

  it('stays below the processing speed when batches wait', () => {
    const p = new PIDRateEstimator(20, 1, 0.01, 0, 10);
    // Spark's suite draws these at random; a fixed generator keeps the run reproducible.
    let seed = 42;
    const next = (bound: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % bound;
    };
    const elements = Array.from({ length: 50 }, () => next(1000));
    const sched = Array.from({ length: 50 }, () => next(19));
    const res = series(p, 50, (i) => [i * 20, elements[i]!, 20, sched[i]!]);
    expect(res[0]).toBeUndefined();
    let checked = 0;
    for (let n = 1; n < 50; n++) {
      const rate = res[n];
      // A batch without records gives no estimate (Spark's random data almost never has one).
      if (elements[n] === 0) continue;
      expect(rate).toBeDefined();
      if (rate! > 0 && sched[n]! > 0) {
        expect(rate).toBeLessThan((elements[n]! / 20) * 1000);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});

class QuietReceiver extends Receiver<number> {
  drains = 0;
  onStart(): void {}
  onStop(): void {}
  override onDrain(): void {
    this.drains++;
  }
}

describe('backpressure configuration', () => {
  it('refuses an unknown rate estimator when the stream is declared', () => {
    const { ssc } = createManualContext({
      conf: {
        'spark.streaming.backpressure.enabled': 'true',
        'spark.streaming.backpressure.rateEstimator': 'pi',
      },
    });
    let error: unknown;
    try {
      ssc.receiverStream(new QuietReceiver());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DStreamError);
    expect((error as DStreamError).code).toBe('DSTREAM_ERR_INVALID_CONF');
    expect((error as DStreamError).message).toMatch(/^Unknown rate estimator: pi\b/);
    // Streams without rate control (a queue stream) do not read the setting, as in Spark.
    expect(() => ssc.queueStream([ssc.sparkContext.parallelize([1])])).not.toThrow();
  });

  it('refuses invalid PID gains and ignores the settings while backpressure is off', () => {
    const conf = {
      'spark.streaming.backpressure.pid.proportional': '-1',
      'spark.streaming.backpressure.rateEstimator': 'pi',
    };
    const off = createManualContext({ conf });
    expect(() => off.ssc.receiverStream(new QuietReceiver())).not.toThrow();
    const on = createManualContext({
      conf: {
        'spark.streaming.backpressure.enabled': 'true',
        'spark.streaming.backpressure.pid.proportional': '-1',
      },
    });
    expect(() => on.ssc.receiverStream(new QuietReceiver())).toThrow(
      'requirement failed: Proportional term -1.0 in PIDRateEstimator should be >= 0.',
    );
  });
});

describe('receiver backlog over the rate limit', () => {
  it('reports backpressure from one second of waiting records, and drains', async () => {
    const { ssc, clock } = createManualContext({
      conf: { 'spark.streaming.receiver.maxRate': '10' },
    });
    const receiver = new QuietReceiver();
    const stream = ssc.receiverStream(receiver);
    stream.foreachRDD(() => {});
    await ssc.start();
    expect(receiver.isBackpressured()).toBe(false);
    // 10/s with 200 ms blocks: 2 records enter the block, 23 wait.
    for (let i = 0; i < 25; i++) receiver.store(i);
    expect(stream.bufferedRecords).toBe(25);
    expect(receiver.isBackpressured()).toBe(true);
    // Each tick admits 2: 23 - 2k waiting falls under 10 at the seventh tick (t = 1400).
    await clock.advance(1200);
    expect(receiver.drains).toBe(0);
    expect(receiver.isBackpressured()).toBe(true);
    await clock.advance(200);
    expect(receiver.drains).toBe(1);
    expect(receiver.isBackpressured()).toBe(false);
    await ssc.stop();
  });

  it('is never backpressured without a rate limit', async () => {
    const { ssc } = createManualContext();
    const receiver = new QuietReceiver();
    ssc.receiverStream(receiver).foreachRDD(() => {});
    await ssc.start();
    for (let i = 0; i < 10_000; i++) receiver.store(i);
    expect(receiver.isBackpressured()).toBe(false);
    await ssc.stop();
  });
});

// ------------------------------------------------------------------ overload over real TCP

const LINE_BYTES = 100;
const TOTAL_LINES = 100_000;
/** Lines in one read of the socket (Node reads at most 64 KiB at a time). */
const LINES_PER_READ = Math.ceil(65536 / LINE_BYTES);

/**
 * A TCP server on 127.0.0.1 that sends TOTAL_LINES lines of 100 bytes to its first client as
 * fast as the connection takes them (far more than ten times what the application processes),
 * then ends the connection.
 */
async function startSender(): Promise<{
  server: Server;
  port: number;
  connected: Promise<Socket>;
  state: { sent: number; done: boolean };
}> {
  const server = createServer();
  const state = { sent: 0, done: false };
  const connected = new Promise<Socket>((resolve) => {
    server.once('connection', (socket) => {
      socket.on('error', () => {});
      const pump = (): void => {
        while (state.sent < TOTAL_LINES) {
          let chunk = '';
          for (let i = 0; i < 100; i++)
            chunk += `${state.sent + i}`.padStart(LINE_BYTES - 1) + '\n';
          state.sent += 100;
          if (!socket.write(chunk)) {
            socket.once('drain', pump);
            return;
          }
        }
        state.done = true;
        socket.end();
      };
      pump();
      resolve(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connected, state };
}

/** Turns of the event loop, so the receiver reads what the network has for it. */
async function ioTurns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

function silenceStderr(): void {
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
}

describe('overload over a socket', () => {
  it('with backpressure, the rate follows processing and the backlog stays bounded', async () => {
    const maxRate = 1500;
    const { server, port, connected, state } = await startSender();
    const { ssc, clock } = createManualContext({
      conf: {
        'spark.streaming.backpressure.enabled': 'true',
        'spark.streaming.backpressure.initialRate': '1000',
        'spark.streaming.receiver.maxRate': String(maxRate),
      },
    });
    const lines = ssc.socketTextStream('127.0.0.1', port);
    const counts: number[] = [];
    lines.foreachRDD(async (rdd) => {
      const n = await rdd.count();
      counts.push(n);
      // A slow application: 2 records per ms of (manual) clock, 2000 records/s.
      await clock.advance(n / 2);
    });
    const rates: number[] = [];
    await ssc.start();
    await connected;
    // The block generator may hold one second of records in the block being built and one
    // second waiting, plus what the socket read before it was paused.
    const bound = 2 * maxRate + LINES_PER_READ;
    let maxBuffered = 0;
    for (let batch = 0; batch < 8; batch++) {
      await ioTurns(30);
      maxBuffered = Math.max(maxBuffered, lines.bufferedRecords);
      await clock.advance(1000);
      rates.push(lines.rateLimit!);
    }
    await ioTurns(30);
    maxBuffered = Math.max(maxBuffered, lines.bufferedRecords);
    await ssc.stop();
    server.close();

    // initialRate for the first batches; then the PID's 2000/s (what the job processes),
    // bounded by maxRate. The new rate applies from the next block interval, mid-batch 3.
    expect(rates).toEqual([1000, 1500, 1500, 1500, 1500, 1500, 1500, 1500]);
    expect(counts).toEqual([1000, 1000, 1200, 1500, 1500, 1500, 1500, 1500]);
    expect(maxBuffered).toBeGreaterThan(maxRate); // the receiver was saturated...
    expect(maxBuffered).toBeLessThanOrEqual(bound); // ...and its backlog stayed bounded
    // TCP held the rest back at the sender.
    expect(state.done).toBe(false);
  });

  it('without a rate limit, everything sent waits in the receiver', async () => {
    silenceStderr(); // the end of the stream restarts the receiver, with a warning
    const { server, port, connected } = await startSender();
    const { ssc } = createManualContext();
    const lines = ssc.socketTextStream('127.0.0.1', port);
    lines.foreachRDD(() => {});
    const stopped = new Promise<void>((resolve) =>
      ssc.addStreamingListener({ onReceiverStopped: () => resolve() }),
    );
    await ssc.start();
    await connected;
    await stopped; // the sender ended the stream: the receiver has read all of it
    // No batch has run (the manual clock did not move): every line sent is buffered.
    expect(lines.bufferedRecords).toBe(TOTAL_LINES);
    expect(lines.bufferedRecords).toBeGreaterThan(10 * (2 * 1500 + LINES_PER_READ));
    await ssc.stop();
    server.close();
  });
});

// Spark's DirectKafkaStreamSuite cases for `maxMessagesPerPartition`, on partitions 0 and 1 (or
// 0 to 3) of one topic: the arithmetic every direct input (Kafka's) uses to cut its ranges.
describe('DirectRateLimit', () => {
  async function limitFor(
    batchMs: number,
    conf: Record<string, string>,
    config?: PerPartitionConfig<number>,
  ): Promise<DirectRateLimit<number>> {
    const ssc = new StreamingContext({
      master: 'local[1]',
      appName: 'direct-rate',
      batchDuration: Seconds(1),
      conf,
    });
    const limit = new DirectRateLimit<number>(ssc.conf, batchMs, config);
    await ssc.stop();
    return limit;
  }
  const offsets = (...xs: number[]) => new Map(xs.map((x, p) => [p, x]));

  it('without backpressure, gives each partition maxRatePerPartition', async () => {
    const limit = await limitFor(100, { 'spark.streaming.kafka.maxRatePerPartition': '100' });
    expect(limit.maxRecordsPerPartition(offsets(0, 0), offsets(50, 50))).toEqual(offsets(10, 10));
    expect(limit.untilOffsets(offsets(0, 45), offsets(50, 50))).toEqual(offsets(10, 50));
  });

  it('with no lag, limits nothing', async () => {
    const limit = await limitFor(100, {
      'spark.streaming.backpressure.enabled': 'true',
      'spark.streaming.kafka.maxRatePerPartition': '100',
    });
    limit.updateRate(100);
    expect(limit.maxRecordsPerPartition(offsets(0, 0), offsets(0, 0))).toBeUndefined();
  });

  it('respects the max rate of each partition', async () => {
    const limit = await limitFor(
      100,
      { 'spark.streaming.backpressure.enabled': 'true' },
      { maxRatePerPartition: (p) => (p === 0 ? 50 : 100), minRatePerPartition: () => 1 },
    );
    limit.updateRate(1000);
    expect(limit.maxRecordsPerPartition(offsets(0, 0), offsets(1000, 1000))).toEqual(
      offsets(5, 10),
    );
  });

  for (const [maxRate, initialRate, expected] of [
    [1000, 500, 250], // backpressure.initialRate honours maxRatePerPartition
    [300, 1000, 150], // and the max rate caps the initial rate
  ] as const) {
    it(`starts at the initial rate ${initialRate} under maxRatePerPartition ${maxRate}`, async () => {
      const limit = await limitFor(500, {
        'spark.streaming.backpressure.enabled': 'true',
        'spark.streaming.backpressure.initialRate': String(initialRate),
        'spark.streaming.kafka.maxRatePerPartition': String(maxRate),
      });
      expect(limit.maxRecordsPerPartition(offsets(0), offsets(1000))).toEqual(offsets(expected));
    });
  }

  it('shares the rate by lag, never below minRatePerPartition', async () => {
    const limit = await limitFor(60_000, {
      'spark.streaming.backpressure.enabled': 'true',
      'spark.streaming.kafka.maxRatePerPartition': '100',
      'spark.streaming.kafka.minRatePerPartition': '5',
    });
    limit.updateRate(1);
    expect(limit.maxRecordsPerPartition(offsets(0, 0, 0, 0), offsets(0, 100, 200, 300))).toEqual(
      offsets(5, 10, 20, 30),
    );
  });
});
