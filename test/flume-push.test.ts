// FlumeUtils.createStream (Spark's push-based Flume stream) against real Flume 1.11 agents: the
// agent's Avro sink sends the events of its sequence generator to the stream's Avro source. Every
// event arrives exactly once, with and without the write-ahead log; a malformed frame fails its
// connection with a clear error and the receiver restarts; an agent that goes away and comes back
// sends again.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Milliseconds, StreamingContext, type ReceiverInfo } from 'dstream';
import { FlumeUtils, SparkFlumeEvent, type FlumeInputDStream } from 'dstream/flume';
import { freePort } from '../src/cli/services/ports.js';
import { captureStderr, errorLines } from './support/capture-stderr.js';
import { flume, skipFlume, startTestAgent } from './support/flume-agent.js';

const contexts: StreamingContext[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function context(conf: Record<string, string> = {}): StreamingContext {
  const ssc = new StreamingContext({
    master: 'local[2]',
    appName: 'FlumePushTest',
    batchDuration: Milliseconds(200),
    conf: {
      'spark.streaming.blockInterval': '50ms',
      'spark.streaming.receiverRestartDelay': '200',
      ...conf,
    },
  });
  contexts.push(ssc);
  return ssc;
}

/**
 * A connection to the receiver's port, once it listens: the receiver binds it after
 * `ssc.start()` resolves (receivers start asynchronously, as Spark's).
 */
async function connectWhenListening(port: number): Promise<Socket> {
  for (;;) {
    const socket = createConnection({ host: '127.0.0.1', port });
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    if (connected) {
      socket.on('error', () => undefined);
      return socket;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How many times each body arrived, and a wait for `total` arrivals. */
function tally(stream: FlumeInputDStream) {
  const counts = new Map<string, number>();
  let arrived = 0;
  const waiters: { total: number; done: () => void }[] = [];
  const headers: Record<string, string>[] = [];
  stream.foreachRDD(async (rdd) => {
    for (const e of await rdd.collect()) {
      const body = SparkFlumeEvent.text(e);
      counts.set(body, (counts.get(body) ?? 0) + 1);
      if (headers.length < 3) headers.push({ ...e.headers });
      arrived++;
    }
    for (const w of waiters.slice()) {
      if (arrived >= w.total) {
        waiters.splice(waiters.indexOf(w), 1);
        w.done();
      }
    }
  });
  return {
    counts,
    headers,
    get arrived() {
      return arrived;
    },
    until: (total: number) => new Promise<void>((done) => waiters.push({ total, done })),
  };
}

/** Bodies "0".."n-1", each `times` times. */
function sequence(n: number, times = 1): Map<string, number> {
  return new Map(Array.from({ length: n }, (_, i) => [String(i), times]));
}

describe('FlumeUtils.createStream arguments', () => {
  it('names the stream as Spark does and checks the port where the stream is declared', () => {
    const ssc = context();
    expect(FlumeUtils.createStream(ssc, '127.0.0.1', 41414).displayName).toMatch(
      /^Flume stream \[\d+\]$/,
    );
    expect(() => FlumeUtils.createStream(ssc, '127.0.0.1', 70000)).toThrow(
      expect.objectContaining({ code: 'DSTREAM_ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe.skipIf(skipFlume)(
  `FlumeUtils.createStream with a Flume agent${skipFlume ? ` (skipped: ${flume.reason})` : ''}`,
  () => {
    it('receives every event the Avro sink sends, exactly once', async () => {
      const port = await freePort();
      const ssc = context();
      const got = tally(FlumeUtils.createStream(ssc, '127.0.0.1', port));
      await ssc.start();
      await startTestAgent('push-seq.properties', {
        'sinks.k1.port': port,
        'sources.r1.totalEvents': 20_000,
      });
      await got.until(20_000);
      expect(got.counts).toEqual(sequence(20_000));
      expect(got.headers[0]).toEqual({});
    });

    it('answers a batch once it is in the write-ahead log, and loses none', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dstream-flume-wal-'));
      dirs.push(dir);
      const port = await freePort();
      const ssc = context({ 'spark.streaming.receiver.writeAheadLog.enable': 'true' });
      ssc.checkpoint(dir);
      const got = tally(FlumeUtils.createStream(ssc, '127.0.0.1', port));
      await ssc.start();
      await startTestAgent('push-seq.properties', {
        'sinks.k1.port': port,
        'sources.r1.totalEvents': 5000,
      });
      await got.until(5000);
      expect(got.counts).toEqual(sequence(5000));
      expect(readdirSync(join(dir, 'receivedData', '0')).length).toBeGreaterThan(0);
    });

    it('restarts the receiver with a clear error on a malformed frame, then receives again', async () => {
      const port = await freePort();
      const logged = captureStderr();
      const ssc = context();
      const stopped: ReceiverInfo[] = [];
      let restarted!: () => void;
      const started = new Promise<void>((resolve) => (restarted = resolve));
      let starts = 0;
      ssc.addStreamingListener({
        onReceiverStopped: (e) => stopped.push(e.receiverInfo),
        onReceiverStarted: () => {
          if (++starts === 2) restarted();
        },
      });
      const got = tally(FlumeUtils.createStream(ssc, '127.0.0.1', port));
      await ssc.start();
      // A serial, then a buffer count of -1: no Netty codec sends this.
      const garbage = await connectWhenListening(port);
      garbage.write(Buffer.from([0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]));
      await started;
      expect(stopped[0]?.lastErrorMessage).toMatch(
        /^Restarting receiver with delay 200ms: Malformed Avro RPC frame from 127\.0\.0\.1:\d+: a packet of -1 buffers/,
      );
      expect(stopped[0]?.lastError).toContain('DStreamError: Malformed Avro RPC frame');
      expect(errorLines(logged)).toEqual([
        expect.stringMatching(
          /^ERROR ReceiverTracker: Deregistered receiver for stream 0: Restarting receiver with delay 200ms: Malformed Avro RPC frame/,
        ),
      ]);
      garbage.destroy();
      await startTestAgent('push-seq.properties', {
        'sinks.k1.port': port,
        'sources.r1.totalEvents': 1000,
      });
      await got.until(1000);
      expect(got.counts).toEqual(sequence(1000));
    });

    it('takes the events of an agent that went away and came back', async () => {
      const port = await freePort();
      const ssc = context();
      const got = tally(FlumeUtils.createStream(ssc, '127.0.0.1', port));
      await ssc.start();
      const agent = await startTestAgent('push-seq.properties', {
        'sinks.k1.port': port,
        'sources.r1.totalEvents': 3000,
      });
      await got.until(3000);
      await agent.stop();
      await agent.start();
      await got.until(6000);
      // The sequence generator starts again from 0: each body twice, once per run of the agent.
      expect(got.counts).toEqual(sequence(3000, 2));
    });
  },
);
