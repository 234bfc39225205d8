import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeRawBlock, setLogLevel, type DStream, type ReceiverInfo } from 'dstream';
import { createManualContext } from 'dstream/testing';
import { captureStderr } from './support/capture-stderr.js';

// Spark's rawSocketStream: a TCP client reading frames (a 4-byte big-endian length, then that many
// bytes), each stored as one block at once. Spark's frames hold JVM-serialized records; dstream's
// hold UTF-8 records, each length-prefixed (encodeRawBlock). A real server on 127.0.0.1; the
// network is settled by awaiting events and turns of the event loop, never by sleeping.

/** Values pushed by callbacks, taken in order by whoever awaits them. */
class EventQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((item: T) => void)[] = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  next(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

async function startServer(): Promise<{
  server: Server;
  port: number;
  connections: EventQueue<Socket>;
}> {
  const server = createServer();
  const connections = new EventQueue<Socket>();
  server.on('connection', (socket) => connections.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections };
}

function write(socket: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.write(data, (error) => (error ? reject(error) : resolve())),
  );
}

async function ioTurns(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits, turn by turn, until the stream holds a block not yet given to a batch. */
async function untilBlock(stream: { hasPendingData(): boolean }): Promise<void> {
  while (!stream.hasPendingData()) await new Promise((resolve) => setImmediate(resolve));
  await ioTurns();
}

/** Each batch as its blocks (partitions), in order. */
function collectBlocks<T>(stream: DStream<T>): T[][][] {
  const out: T[][][] = [];
  stream.foreachRDD(async (rdd) => {
    out.push(await rdd.glom().collect());
  });
  return out;
}

beforeAll(() => setLogLevel('WARN'));
afterEach(() => vi.restoreAllMocks());

describe('encodeRawBlock', () => {
  it('frames records as a block length, then each record as a length and its UTF-8 bytes', () => {
    expect([...encodeRawBlock(['ab', 'é', ''])]).toEqual([
      ...[0, 0, 0, 16],
      ...[0, 0, 0, 2, 0x61, 0x62],
      ...[0, 0, 0, 2, 0xc3, 0xa9],
      ...[0, 0, 0, 0],
    ]);
    expect([...encodeRawBlock([])]).toEqual([0, 0, 0, 0]);
  });
});

describe('raw socket input stream', () => {
  it('stores each frame as one block, whatever chunks it arrives in', async () => {
    const { server, port, connections } = await startServer();
    const { ssc, clock } = createManualContext();
    const stream = ssc.rawSocketStream('127.0.0.1', port);
    expect(stream.displayName).toBe('Raw stream [0]');
    const out = collectBlocks(stream);
    await ssc.start();
    const sender = await connections.next();

    // Two frames in one write; an empty block stores nothing.
    await write(
      sender,
      Buffer.concat([encodeRawBlock(['a', 'b']), encodeRawBlock([]), encodeRawBlock(['naïve'])]),
    );
    await untilBlock(stream);
    await clock.advance(1000);
    // One frame cut into three writes, inside its length and inside a record.
    const frame = encodeRawBlock(['split across', 'writes']);
    await write(sender, frame.subarray(0, 2));
    await ioTurns();
    await write(sender, frame.subarray(2, 9));
    await ioTurns();
    expect(stream.hasPendingData()).toBe(false);
    await write(sender, frame.subarray(9));
    await untilBlock(stream);
    await clock.advance(1000);
    await ssc.stop();
    server.close();

    expect(out).toEqual([[['a', 'b'], ['naïve']], [['split across', 'writes']]]);
  });

  it('restarts at the end of the channel, losing a frame cut off, and reads after reconnecting', async () => {
    const log = captureStderr();
    const { server, port, connections } = await startServer();
    const { ssc, clock } = createManualContext();
    const stopped = new EventQueue<ReceiverInfo>();
    ssc.addStreamingListener({ onReceiverStopped: (e) => stopped.push(e.receiverInfo) });
    const stream = ssc.rawSocketStream('127.0.0.1', port);
    const out = collectBlocks(stream);
    const terminated = ssc.awaitTermination();
    await ssc.start();

    const first = await connections.next();
    const cut = encodeRawBlock(['never whole']);
    await write(first, Buffer.concat([encodeRawBlock(['before']), cut.subarray(0, 8)]));
    await untilBlock(stream);
    first.end();
    const lost = await stopped.next();
    expect(lost.lastErrorMessage).toBe('Restarting receiver with delay 2000ms: End of channel');
    expect(lost.name).toBe('RawNetworkReceiver-0');

    await clock.advance(2000); // the restart delay: it connects again
    const second = await connections.next();
    await write(second, encodeRawBlock(['after']));
    await untilBlock(stream);
    await clock.advance(1000);
    await ssc.stop();
    await expect(terminated).resolves.toBe(true);
    server.close();

    expect(out).toEqual([[['before']], [], [['after']]]);
    expect(log.join('')).toContain(
      'WARN ReceiverSupervisorImpl: Restarting receiver with delay 2000 ms: End of channel',
    );
  });

  it('drops a block whose records do not fit in it, reports it, and reads the next frames', async () => {
    const log = captureStderr();
    const { server, port, connections } = await startServer();
    const { ssc, clock } = createManualContext();
    const errors = new EventQueue<ReceiverInfo>();
    ssc.addStreamingListener({ onReceiverError: (e) => errors.push(e.receiverInfo) });
    const stream = ssc.rawSocketStream('127.0.0.1', port);
    const out = collectBlocks(stream);
    await ssc.start();
    const sender = await connections.next();

    // A 6-byte block whose one record claims 9 bytes.
    const malformed = Buffer.from([0, 0, 0, 6, 0, 0, 0, 9, 0x61, 0x62]);
    await write(sender, Buffer.concat([malformed, encodeRawBlock(['next'])]));
    const reported = await errors.next();
    expect(reported.lastErrorMessage).toBe(
      'Malformed rawSocketStream block of 6 bytes: the record at byte 0 does not fit in it. Each record of a block is a 4-byte big-endian length and that many bytes of UTF-8 (see encodeRawBlock).',
    );
    await untilBlock(stream);
    await clock.advance(1000);
    await ssc.stop();
    server.close();
    expect(out).toEqual([[['next']]]);
    expect(log.join('')).toContain('Malformed rawSocketStream block');
  });

  it('restarts on a negative block length, which no sender of this format writes', async () => {
    const log = captureStderr();
    const { server, port, connections } = await startServer();
    const { ssc } = createManualContext();
    const stopped = new EventQueue<ReceiverInfo>();
    ssc.addStreamingListener({ onReceiverStopped: (e) => stopped.push(e.receiverInfo) });
    const stream = ssc.rawSocketStream('127.0.0.1', port);
    collectBlocks(stream);
    await ssc.start();
    const sender = await connections.next();
    await write(sender, Buffer.from([0xff, 0xff, 0xff, 0xfe, 0, 0]));
    const info = await stopped.next();
    expect(info.lastErrorMessage).toBe(
      'Restarting receiver with delay 2000ms: Error receiving data',
    );
    expect(info.lastError).toContain('A rawSocketStream frame announced a block of -2 bytes');
    await ssc.stop();
    server.close();
    expect(log.join('')).toContain('Error receiving data');
  });

  it('refuses a port out of range where the stream is declared', () => {
    const { ssc } = createManualContext();
    expect(() => ssc.rawSocketStream('127.0.0.1', 70_000)).toThrow(
      expect.objectContaining({ code: 'DSTREAM_ERR_INVALID_ARGUMENT' }),
    );
  });
});
