import { constants } from 'node:buffer';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { setLogLevel, type DStream, type ReceiverInfo, type StreamingContext } from 'dstream';
import { createManualContext, type ManualClock } from 'dstream/testing';
import { captureStderr } from './support/capture-stderr.js';

// Bad input on a socket (docs/reliability.md): whatever a server sends, the receiver neither
// crashes the process nor stops receiving. A real TCP server on 127.0.0.1 sends the data and then
// closes the connection; the receiver's stop event says it has read everything, so nothing waits
// on the wall clock.

beforeAll(() => setLogLevel('WARN'));
afterEach(() => vi.restoreAllMocks());

function write(socket: Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.write(data, (error) => (error ? reject(error) : resolve())),
  );
}

interface Feed {
  readonly ssc: StreamingContext;
  readonly clock: ManualClock;
  readonly lines: DStream<string>;
  readonly port: number;
  readonly errors: ReceiverInfo[];
  /** Starts the context, hands the server's end of the connection to `send`, then closes it. */
  run(send: (socket: Socket) => Promise<void>): Promise<void>;
}

/** A context reading a socket fed by `run`; its receiver's errors are collected. */
async function socketFeed(conf: Record<string, string> = {}): Promise<Feed> {
  const server: Server = createServer();
  const connection = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { ssc, clock } = createManualContext({ conf });
  const errors: ReceiverInfo[] = [];
  let readAll: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (readAll = resolve));
  ssc.addStreamingListener({
    onReceiverError: (e) => errors.push(e.receiverInfo),
    // The end of the stream restarts the receiver: everything sent has been read by then.
    onReceiverStopped: () => readAll(),
  });
  const port = (server.address() as AddressInfo).port;
  const lines = ssc.socketTextStream('127.0.0.1', port);
  return {
    ssc,
    clock,
    lines,
    port,
    errors,
    async run(send) {
      await ssc.start();
      const socket = await connection;
      await send(socket);
      socket.end();
      await stopped;
      await clock.advance(1000);
      await ssc.stop();
      server.close();
    },
  };
}

/** Bytes from a fixed seed (xorshift32), so that a failure can be reproduced. */
function garbage(length: number, seed = 0x2545f491): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

describe('bad input on a socket', () => {
  it('decodes binary garbage as UTF-8 with replacement characters, as Spark, and goes on', async () => {
    captureStderr();
    const feed = await socketFeed();
    const received: string[] = [];
    feed.lines.foreachRDD(async (rdd) => {
      received.push(...(await rdd.collect()));
    });
    const bytes = Buffer.concat([garbage(256 * 1024), Buffer.from('\nafter the garbage\n')]);
    await feed.run(async (socket) => {
      // In pieces of odd sizes, so that characters and CR LF pairs are cut between reads.
      for (let i = 0; i < bytes.length; i += 7919) await write(socket, bytes.subarray(i, i + 7919));
    });

    // What Java's UTF-8 reader and readLine make of the same bytes: malformed sequences become
    // U+FFFD, and lines end at \n, \r\n or \r.
    const expected = bytes.toString('utf8').split(/\r\n|\n|\r/);
    expected.pop(); // the text ends with a terminator
    expect(received).toHaveLength(expected.length);
    expect(received).toEqual(expected);
    expect(received.join('')).toContain('\uFFFD');
    expect(received.at(-1)).toBe('after the garbage');
    expect(feed.errors).toEqual([]);
  });

  it('takes a 100 MB line whole, and the line after it', async () => {
    captureStderr();
    const feed = await socketFeed();
    const summaries: (readonly [number, boolean])[] = [];
    // Summarised where the records are, so that the test holds no second copy of the line.
    feed.lines.foreachRDD(async (rdd) => {
      summaries.push(...(await rdd.map((l) => [l.length, /^x*$/.test(l)] as const).collect()));
    });
    const mb = Buffer.alloc(1 << 20, 'x');
    await feed.run(async (socket) => {
      // Generated as it is sent: the sender holds one megabyte at a time.
      for (let i = 0; i < 100; i++) await write(socket, mb);
      await write(socket, '\nafter\n');
    });
    expect(summaries).toEqual([
      [100 * (1 << 20), true],
      [5, false],
    ]);
    expect(feed.errors).toEqual([]);
  });

  it('drops a line longer than spark.dstream.socket.maxLineLength as it grows, reports it and goes on', async () => {
    const log = captureStderr();
    const feed = await socketFeed({ 'spark.dstream.socket.maxLineLength': '1000' });
    const received: string[] = [];
    feed.lines.foreachRDD(async (rdd) => {
      received.push(...(await rdd.collect()));
    });
    let firstError: () => void = () => {};
    const reported = new Promise<void>((resolve) => (firstError = resolve));
    feed.ssc.addStreamingListener({ onReceiverError: () => firstError() });
    await feed.run(async (socket) => {
      await write(socket, 'short\n' + 'z'.repeat(600));
      for (let i = 0; i < 5; i++) await write(socket, 'z'.repeat(600));
      // Reported before the line ends: its text is not kept while it grows (else this waits
      // until the test times out).
      await reported;
      // Too long within one read; then a line of exactly the limit, which is kept.
      await write(socket, '\nnext\n' + 'w'.repeat(1001) + '\r\n' + 'v'.repeat(1000) + '\nlast\n');
    });
    expect(received).toEqual(['short', 'next', 'v'.repeat(1000), 'last']);
    const dropped = `Dropped a line longer than 1000 characters from 127.0.0.1:${feed.port}: split the input into shorter lines, or raise spark.dstream.socket.maxLineLength`;
    expect(feed.errors.map((e) => e.lastErrorMessage)).toEqual([dropped, dropped]);
    expect(log.join('')).toContain(
      `WARN ReceiverTracker: Error reported by receiver for stream 0: ${dropped}`,
    );
  });

  it('drops a line longer than the longest string V8 can hold, by default, and the process lives', async () => {
    captureStderr();
    const feed = await socketFeed();
    const received: string[] = [];
    feed.lines.foreachRDD(async (rdd) => {
      received.push(...(await rdd.collect()));
    });
    const mb = Buffer.alloc(1 << 20, 'x');
    await feed.run(async (socket) => {
      // 600 MiB, past V8's 536,870,888 characters: appending to such a line used to throw
      // RangeError out of the socket's data handler, which ended the process.
      for (let i = 0; i < 600; i++) await write(socket, mb);
      await write(socket, '\nafter\n');
    });
    expect(received).toEqual(['after']);
    expect(feed.errors.map((e) => e.lastErrorMessage)).toEqual([
      `Dropped a line longer than ${constants.MAX_STRING_LENGTH} characters from 127.0.0.1:${feed.port}: split the input into shorter lines, or raise spark.dstream.socket.maxLineLength`,
    ]);
  });

  it('refuses a line limit that is not a positive whole number when the stream is declared', () => {
    for (const value of ['0', '1.5', 'lots', String(2 ** 30)]) {
      const { ssc } = createManualContext({
        conf: { 'spark.dstream.socket.maxLineLength': value },
      });
      const declare = () => ssc.socketTextStream('127.0.0.1', 9999);
      expect(declare).toThrow(/Invalid value '.*' for spark\.dstream\.socket\.maxLineLength/);
      expect(declare).toThrow(expect.objectContaining({ code: 'DSTREAM_ERR_INVALID_CONF' }));
    }
  });
});
