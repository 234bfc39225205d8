// Windows over an input whose partitions move between processes (spark.streaming.kafka.scaleOut),
// without a broker: an input stream that says it is one. The incremental window keeps its state
// per process, so it is refused at start (DSTREAM_ERR_WINDOW_STATE_NOT_MOVABLE); the windows that
// recompute from their batches run. test/kafka-scale-out-window.test.ts does the same over Kafka.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DStreamError, Seconds, type DStream, type StreamingContext } from 'dstream';
import { createManualContext, TestInputStream } from 'dstream/testing';
import { captureStderr, errorLines } from './support/capture-stderr.js';

/** An input that reports its partitions move between processes, as the scale-out Kafka stream. */
class ScaleOutTestInput<T> extends TestInputStream<T> {
  readonly scaleOutInput: boolean;
  constructor(ssc: StreamingContext, batches: T[][], scaleOut: boolean) {
    super(ssc, batches, 1);
    this.scaleOutInput = scaleOut;
  }
}

const contexts: StreamingContext[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function context(scaleOut: boolean) {
  const checkpointDir = mkdtempSync(join(tmpdir(), 'scale-out-window-'));
  dirs.push(checkpointDir);
  const made = createManualContext({ batchDuration: Seconds(1), checkpointDir });
  contexts.push(made.ssc);
  const words = new ScaleOutTestInput(made.ssc, [['a', 'b'], ['a'], ['b'], []], scaleOut);
  return { ...made, words, pairs: words.map((w) => [w, 1] as const) };
}

const add = (a: number, b: number) => a + b;
const sub = (a: number, b: number) => a - b;

/** The start's rejection, and the ERROR lines it logged. */
async function startFailure(ssc: StreamingContext): Promise<unknown> {
  const logged = captureStderr();
  const error = await ssc.start().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(errorLines(logged)).toEqual([
    'ERROR StreamingContext: Error starting the context, marking it as stopped',
  ]);
  return error;
}

describe('windows over a scale-out input', () => {
  it.each<[string, (c: ReturnType<typeof context>) => DStream<unknown>]>([
    [
      'reduceByKeyAndWindow with an inverse',
      (c) => c.pairs.reduceByKeyAndWindow(add, sub, Seconds(2), Seconds(1)),
    ],
    ['countByWindow', (c) => c.words.countByWindow(Seconds(2), Seconds(1))],
    ['countByValueAndWindow', (c) => c.words.countByValueAndWindow(Seconds(2), Seconds(1))],
    [
      'reduceByWindow with an inverse',
      (c) => c.pairs.map((kv) => kv[1]).reduceByWindow(add, sub, Seconds(2), Seconds(1)),
    ],
  ])('%s is refused at start: its window would not move', async (_name, windowed) => {
    const c = context(true);
    windowed(c).foreachRDD(() => {});
    const error = await startFailure(c.ssc);
    expect(error).toBeInstanceOf(DStreamError);
    expect((error as DStreamError).code).toBe('DSTREAM_ERR_WINDOW_STATE_NOT_MOVABLE');
    expect((error as Error).message).toContain('Use the form without an inverse function');
    expect(c.ssc.getState()).toBe('STOPPED');
  });

  it('the same window over an input that does not scale out runs', async () => {
    const c = context(false);
    const seen: [string, number][][] = [];
    c.pairs.reduceByKeyAndWindow(add, sub, Seconds(2), Seconds(1)).foreachRDD(async (rdd) => {
      seen.push(((await rdd.collect()) as [string, number][]).sort());
    });
    await c.ssc.start();
    await c.clock.advance(3000);
    expect(seen).toEqual([
      [
        ['a', 1],
        ['b', 1],
      ],
      [
        ['a', 2],
        ['b', 1],
      ],
      [
        ['a', 1],
        ['b', 1],
      ],
    ]);
  });

  it('windows recomputed from their batches run over a scale-out input', async () => {
    const c = context(true);
    const sums: [string, number][][] = [];
    const counts: number[] = [];
    c.pairs.reduceByKeyAndWindow(add, Seconds(2), Seconds(1)).foreachRDD(async (rdd) => {
      sums.push(((await rdd.collect()) as [string, number][]).sort());
    });
    c.words
      .window(Seconds(2), Seconds(1))
      .count()
      .foreachRDD(async (rdd) => {
        counts.push(...(await rdd.collect()));
      });
    await c.ssc.start();
    await c.clock.advance(3000);
    expect(sums).toEqual([
      [
        ['a', 1],
        ['b', 1],
      ],
      [
        ['a', 2],
        ['b', 1],
      ],
      [
        ['a', 1],
        ['b', 1],
      ],
    ]);
    expect(counts).toEqual([2, 3, 2]);
  });
});
