// Type tests of the public test kit, `dstream/testing`.
import { expectTypeOf } from 'vitest';
import { Seconds, type DStream, type StreamingContext } from 'dstream';
import { createManualContext, ManualClock, runBatches } from 'dstream/testing';

// One output stream: one array of elements per batch.
expectTypeOf(
  runBatches({
    inputs: [[[1, 2], [3], null]],
    partitions: 2,
    numBatches: 4,
    batchDuration: Seconds(1),
    build: (ssc, [a]) => {
      expectTypeOf(ssc).toEqualTypeOf<StreamingContext>();
      expectTypeOf(a).toEqualTypeOf<DStream<number> | undefined>();
      return a!.map((x) => String(x + 1));
    },
  }),
).toEqualTypeOf<Promise<string[][]>>();

// DESIGN.md's word count, as a test writes it.
expectTypeOf(
  runBatches({
    inputs: [[['a b', 'b']]],
    numBatches: 1,
    checkpointDir: '/tmp/checkpoint',
    build: (_ssc, [lines]) =>
      lines!
        .flatMap((l) => l.split(' '))
        .map((w) => [w, 1] as const)
        .reduceByKey((a, b) => a + b),
  }),
).toEqualTypeOf<Promise<(readonly [string, number])[][]>>();

// Several output streams: one series per stream.
expectTypeOf(
  runBatches({
    inputs: [[[1]]],
    numBatches: 1,
    build: (_ssc, [s]) => [s!.map((x) => x * 2), s!.count()],
  }),
).toEqualTypeOf<Promise<unknown[][][]>>();

// A graph that reads only from queueStream.
expectTypeOf(
  runBatches({
    inputs: [],
    numBatches: 2,
    build: (ssc) => ssc.queueStream([ssc.sparkContext.parallelize([1, 2])]),
  }),
).toEqualTypeOf<Promise<number[][]>>();

void runBatches({
  inputs: [[[1, 2]]],
  numBatches: 1,
  // @ts-expect-error -- build returns a stream
  build: () => 42,
});
// @ts-expect-error -- numBatches is required
void runBatches({ inputs: [], build: (ssc: StreamingContext) => ssc.queueStream([]) });

const { ssc, clock } = createManualContext({ batchDuration: Seconds(1) });
expectTypeOf(ssc).toEqualTypeOf<StreamingContext>();
expectTypeOf(clock).toEqualTypeOf<ManualClock>();
expectTypeOf(clock.advance(1000)).toEqualTypeOf<Promise<void>>();
