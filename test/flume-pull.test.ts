// FlumeUtils.createPollingStream (Spark's pull-based Flume stream) against real Flume 1.11 agents
// running Spark's SparkSink 2.4.8: every event the agent's source produced arrives exactly once;
// an application SIGKILLed mid-stream loses nothing (what it had not acked, the agent gives again,
// and what it had, the write-ahead log brings back); an agent that goes away and comes back is
// polled again.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Milliseconds, StreamingContext } from 'dstream';
import { FlumeUtils, SparkFlumeEvent, type FlumePollingInputDStream } from 'dstream/flume';
import { freePort } from '../src/cli/services/ports.js';
import { AppProcess, removeTempDirs, root, tempDir } from './support/app-process.js';
import { expectBuilt } from './support/cli.js';
import { flume, skipFlume, startTestAgent } from './support/flume-agent.js';

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  removeTempDirs();
});

function context(): StreamingContext {
  const ssc = new StreamingContext({
    master: 'local[2]',
    appName: 'FlumePullTest',
    batchDuration: Milliseconds(200),
    conf: { 'spark.streaming.blockInterval': '50ms' },
  });
  contexts.push(ssc);
  return ssc;
}

/** How many times each body arrived, and a wait for `total` arrivals. */
function tally(stream: FlumePollingInputDStream) {
  const counts = new Map<string, number>();
  let arrived = 0;
  const waiters: { total: number; done: () => void }[] = [];
  stream.foreachRDD(async (rdd) => {
    for (const e of await rdd.collect()) {
      const body = SparkFlumeEvent.text(e);
      counts.set(body, (counts.get(body) ?? 0) + 1);
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
    until: (total: number) => new Promise<void>((done) => waiters.push({ total, done })),
  };
}

function sequence(n: number, times = 1): Map<string, number> {
  return new Map(Array.from({ length: n }, (_, i) => [String(i), times]));
}

describe('FlumeUtils.createPollingStream arguments', () => {
  it("names the stream as Spark does and checks its settings, with Spark's defaults", () => {
    const ssc = context();
    const stream = FlumeUtils.createPollingStream(ssc, [{ host: '127.0.0.1', port: 41415 }]);
    expect(stream.displayName).toMatch(/^Flume polling stream \[\d+\]$/);
    expect(FlumeUtils.createPollingStream(ssc, '127.0.0.1', 41415).addresses).toEqual([
      { host: '127.0.0.1', port: 41415 },
    ]);
    expect(() => FlumeUtils.createPollingStream(ssc, [])).toThrow(/no SparkSink address/);
    expect(() =>
      FlumeUtils.createPollingStream(ssc, [{ host: '127.0.0.1', port: 1 }], { maxBatchSize: 0 }),
    ).toThrow(expect.objectContaining({ code: 'DSTREAM_ERR_INVALID_ARGUMENT' }));
  });
});

describe.skipIf(skipFlume)(
  `FlumeUtils.createPollingStream with a SparkSink${skipFlume ? ` (skipped: ${flume.reason})` : ''}`,
  () => {
    it('receives every event of the channel exactly once', async () => {
      const port = await freePort();
      await startTestAgent('pull-seq.properties', {
        'sinks.spark.port': port,
        'sources.r1.totalEvents': 20_000,
      });
      const ssc = context();
      const got = tally(FlumeUtils.createPollingStream(ssc, [{ host: '127.0.0.1', port }]));
      await ssc.start();
      await got.until(20_000);
      expect(got.counts).toEqual(sequence(20_000));
    });

    it('polls an agent that went away and came back', async () => {
      const port = await freePort();
      const agent = await startTestAgent('pull-seq.properties', {
        'sinks.spark.port': port,
        'sources.r1.totalEvents': 3000,
      });
      const ssc = context();
      const got = tally(
        FlumeUtils.createPollingStream(ssc, [{ host: '127.0.0.1', port }], { maxBatchSize: 500 }),
      );
      await ssc.start();
      await got.until(3000);
      await agent.stop();
      await agent.start();
      await got.until(6000);
      // The sequence generator starts again from 0: each body twice, once per run of the agent.
      expect(got.counts).toEqual(sequence(3000, 2));
    });

    it(
      'loses nothing when the application is SIGKILLed mid-stream',
      { timeout: 180_000 },
      async () => {
        expectBuilt();
        const N = 100_000;
        const port = await freePort();
        await startTestAgent('pull-seq.properties', {
          'sinks.spark.port': port,
          'sinks.spark.timeout': 3,
          'sources.r1.totalEvents': N,
        });
        const checkpoint = tempDir('dstream-flume-kill-');
        const args = [
          join(root, 'test', 'fixtures', 'flume-poll-app.ts'),
          String(port),
          checkpoint,
        ];
        const seen = (p: AppProcess) =>
          [...p.stdout.matchAll(/^seen \d+ (\[.*\])$/gm)].flatMap(
            (m) => JSON.parse(m[1]!) as string[],
          );
        const first = new AppProcess(args[0]!, args.slice(1));
        await first.until('the first events', () => seen(first).length >= 1000);
        await first.kill();
        const beforeKill = seen(first);

        const second = new AppProcess(args[0]!, args.slice(1));
        await second.until(
          'every event',
          () => new Set([...beforeKill, ...seen(second)]).size === N,
          120_000,
        );
        await second.kill();
        const union = [...beforeKill, ...seen(second)];
        const distinct = new Set(union);
        expect(distinct).toEqual(new Set(sequence(N).keys()));
        expect(beforeKill.length).toBeLessThan(N);
        process.stderr.write(
          `flume polling SIGKILL: ${N} events, processed ${union.length} (${beforeKill.length} before the kill), duplicates ${union.length - distinct.size}\n`,
        );
      },
    );
  },
);
