import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { setLogLevel, type DStream, type ReceiverInfo } from 'dstream';
import { createManualContext } from 'dstream/testing';
import { captureStderr } from './support/capture-stderr.js';

// Spark's InputStreamsSuite, "socket input stream": a real TCP server on 127.0.0.1 feeds the
// receiver; the network is settled by awaiting events (connections, written data, receiver
// events), never by sleeping.

/** Values pushed by callbacks, taken in order by whoever awaits them. */
class EventQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((item: T) => void)[] = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  get size(): number {
    return this.items.length;
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

/** Resolves once the bytes are handed to the kernel (so a later close cannot drop them). */
function write(socket: Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.write(data, (error) => (error ? reject(error) : resolve())),
  );
}

/** Two turns of the event loop, so the client reads what was written so far in its own chunk. */
async function ioTurn(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits (turn by turn, not on a timer) until the receiver holds `n` records not yet in a block. */
async function untilBuffered(stream: { bufferedRecords: number }, n: number): Promise<void> {
  while (stream.bufferedRecords < n) await new Promise((resolve) => setImmediate(resolve));
}

/** Connections accepted and not yet taken, after the network has had a few turns. */
async function pendingConnections(connections: EventQueue<Socket>): Promise<number> {
  await ioTurn();
  return connections.size;
}

function collect<T>(stream: DStream<T>): T[][] {
  const out: T[][] = [];
  stream.foreachRDD(async (rdd) => {
    out.push(await rdd.collect());
  });
  return out;
}

beforeAll(() => setLogLevel('WARN'));
afterEach(() => vi.restoreAllMocks());

describe('socket input stream', () => {
  it('receives lines, survives a dropped connection and reconnects', async () => {
    const log = captureStderr();
    const { server, port, connections } = await startServer();
    const { ssc, clock } = createManualContext();
    const stopped = new EventQueue<ReceiverInfo>();
    ssc.addStreamingListener({ onReceiverStopped: (e) => stopped.push(e.receiverInfo) });
    const lines = ssc.socketTextStream('127.0.0.1', port);
    expect(lines.displayName).toBe('Socket stream [0]');
    const out = collect(lines);
    const terminated = ssc.awaitTermination();
    await ssc.start();

    const first = await connections.next();
    // Every line terminator, a 2-byte character cut between two reads, and a CR LF pair cut
    // between two reads.
    await write(first, 'hello world\nsecond line\r\nthird\r');
    await ioTurn();
    await write(first, Buffer.from('\nna\xC3', 'latin1'));
    await ioTurn();
    await write(first, Buffer.concat([Buffer.from([0xaf]), Buffer.from('ve\r\rlast, cut off')]));
    // The server drops the connection in the middle of a line.
    first.destroy();
    const lost = await stopped.next();
    expect(lost.lastErrorMessage).toBe(
      'Restarting receiver with delay 2000ms: Socket data stream had no more data',
    );
    expect(lost.name).toBe('SocketReceiver-0');

    await clock.advance(1000);
    // The restart delay ends at 2000: the receiver connects again.
    await clock.advance(1000);
    const second = await connections.next();
    await write(second, 'after reconnect\n');
    second.destroy();
    await stopped.next();
    await clock.advance(1000);
    await ssc.stop();
    await expect(terminated).resolves.toBe(true);
    server.close();

    expect(out).toEqual([
      ['hello world', 'second line', 'third', 'naïve', '', 'last, cut off'],
      [],
      ['after reconnect'],
    ]);
    expect(log.join('')).toMatch(
      / WARN ReceiverSupervisorImpl: Restarting receiver with delay 2000 ms: Socket data stream had no more data\n/,
    );
  });

  it('counts the lines before a connection reset, restarts after the delay and counts the lines after', async () => {
    const log = captureStderr();
    const { server, port, connections } = await startServer();
    const { ssc, clock } = createManualContext();
    const events = new EventQueue<[string, ReceiverInfo]>();
    ssc.addStreamingListener({
      onReceiverStarted: (e) => events.push(['started', e.receiverInfo]),
      onReceiverError: (e) => events.push(['error', e.receiverInfo]),
      onReceiverStopped: (e) => events.push(['stopped', e.receiverInfo]),
    });
    const lines = ssc.socketTextStream('127.0.0.1', port);
    const out = collect(lines);
    const terminated = ssc.awaitTermination();
    await ssc.start();
    expect((await events.next())[0]).toBe('started');

    const first = await connections.next();
    // A line cut off by the reset is lost, as Java's readLine fails instead of returning it.
    await write(first, 'before 1\nbefore 2\ncut off by the re');
    await untilBuffered(lines, 2);
    // The server aborts the connection: the client sees ECONNRESET, not an orderly end.
    first.resetAndDestroy();
    // Spark's restart: the receiver is deregistered with the restart message and the error
    // (Stopped, not Error: onReceiverError is for reportError), then started again.
    const [type, lost] = await events.next();
    expect(type).toBe('stopped');
    expect(lost.lastErrorMessage).toBe(
      'Restarting receiver with delay 2000ms: Error receiving data',
    );
    expect(lost.lastError).toMatch(/ECONNRESET/);
    expect(lost.active).toBe(false);

    await clock.advance(1999); // batch 1000 takes the lines received before the reset
    expect(await pendingConnections(connections)).toBe(0);
    await clock.advance(1); // 2000: the restart delay has passed
    expect((await events.next())[0]).toBe('started');
    const second = await connections.next();
    await write(second, 'after 1\n');
    await untilBuffered(lines, 1);
    await clock.advance(1000);
    await ssc.stop();
    await expect(terminated).resolves.toBe(true);
    server.close();

    expect(out).toEqual([['before 1', 'before 2'], [], ['after 1']]);
    expect(log.join('')).toMatch(
      / WARN ReceiverSupervisorImpl: Restarting receiver with delay 2000 ms: Error receiving data\n/,
    );
  });

  it('keeps retrying a refused connection every restart delay while the context runs', async () => {
    const log = captureStderr();
    // A port nothing listens on: bind one, then close it.
    const probe = await startServer();
    const port = probe.port;
    await new Promise((resolve) => probe.server.close(resolve));

    const { ssc, clock } = createManualContext();
    const events = new EventQueue<[string, ReceiverInfo]>();
    ssc.addStreamingListener({
      onReceiverStarted: (e) => events.push(['started', e.receiverInfo]),
      onReceiverStopped: (e) => events.push(['stopped', e.receiverInfo]),
    });
    const counts: number[][] = collect(ssc.socketTextStream('127.0.0.1', port).count());
    const terminated = ssc.awaitTermination();
    await ssc.start();

    for (let attempt = 1; attempt <= 3; attempt++) {
      expect((await events.next())[0]).toBe('started');
      const [type, info] = await events.next();
      expect(type).toBe('stopped');
      expect(info.lastErrorMessage).toBe(
        `Restarting receiver with delay 2000ms: Error connecting to 127.0.0.1:${port}`,
      );
      expect(info.lastError).toMatch(/ECONNREFUSED/);
      if (attempt < 3) await clock.advance(2000);
    }
    await ssc.stop();
    await expect(terminated).resolves.toBe(true);
    expect(counts).toEqual([[0], [0], [0], [0]]);
    const warnings = log.filter((l) =>
      l.includes(
        `WARN ReceiverSupervisorImpl: Restarting receiver with delay 2000 ms: Error connecting to 127.0.0.1:${port}`,
      ),
    );
    expect(warnings).toHaveLength(3);
  });

  it('refuses a port out of range when the stream is declared', () => {
    const { ssc } = createManualContext();
    expect(() => ssc.socketTextStream('localhost', 70000)).toThrow(/port out of range:70000/);
  });
});
