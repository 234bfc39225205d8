import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InputDStream, setLogLevel, type DStream, type RDD, type StreamingContext } from 'dstream';
import { createManualContext } from 'dstream/testing';

// Spark's queueStream (QueueInputDStream.compute): each batch takes one queued RDD (oneAtATime)
// or drains every queued RDD into one union; a batch that finds the queue empty gets the default
// RDD, else an empty one. The queue is an array the application pushes to while the context runs.

const contexts: StreamingContext[] = [];
beforeAll(() => setLogLevel('WARN'));
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

function manualContext() {
  const made = createManualContext();
  contexts.push(made.ssc);
  return made;
}

interface Batch<T> {
  time: number;
  partitions: T[][];
  /** The batch's RDD is the default RDD itself, as Spark returns it. */
  isDefault: boolean;
}

function collectBatches<T>(stream: DStream<T>, defaultRDD?: RDD<T>): Batch<T>[] {
  const out: Batch<T>[] = [];
  stream.foreachRDD(async (rdd, time) => {
    const partitions = await rdd.glom().collect();
    out.push({ time: time.milliseconds, partitions, isDefault: rdd === defaultRDD });
  });
  return out;
}

describe('queue input stream', () => {
  it('takes one queued RDD per batch by default, and an empty one-partition RDD when empty', async () => {
    const { ssc, clock } = manualContext();
    const sc = ssc.sparkContext;
    const queue: RDD<number>[] = [sc.parallelize([1, 2], 2)];
    const stream = ssc.queueStream(queue);
    expect(stream).toBeInstanceOf(InputDStream);
    expect((stream as InputDStream<number>).displayName).toBe('Queue stream [0]');
    const out = collectBatches(stream);
    await ssc.start();
    queue.push(sc.parallelize([3], 1));
    await clock.advance(1000); // takes [1, 2]; [3] waits
    await clock.advance(1000); // takes [3]
    await clock.advance(1000); // empty
    queue.push(sc.parallelize([4], 1), sc.parallelize([5], 1));
    await clock.advance(1000); // takes [4]
    expect(queue).toHaveLength(1);
    expect(out.map((b) => b.partitions)).toEqual([[[1], [2]], [[3]], [[]], [[4]]]);
  });

  it('with oneAtATime = false drains every queued RDD into one batch, and else gives defaultRDD', async () => {
    const { ssc, clock } = manualContext();
    const sc = ssc.sparkContext;
    const queue: RDD<string>[] = [];
    const defaultRDD = sc.parallelize(['default'], 1);
    const out = collectBatches(ssc.queueStream(queue, false, defaultRDD), defaultRDD);
    const records: number[] = [];
    ssc.addStreamingListener({ onBatchCompleted: (e) => records.push(e.batchInfo.numRecords) });
    await ssc.start();

    await clock.advance(1000); // nothing queued yet: the default RDD
    queue.push(sc.parallelize(['a', 'b'], 2));
    queue.push(sc.parallelize(['c'], 1));
    await clock.advance(1000); // both RDDs, in queue order, as one union
    expect(queue).toHaveLength(0);
    await clock.advance(1000); // drained: the default RDD again
    queue.push(sc.parallelize(['d'], 1));
    await clock.advance(1000);
    await ssc.stop();

    expect(out).toEqual([
      { time: 1000, partitions: [['default']], isDefault: true },
      { time: 2000, partitions: [['a'], ['b'], ['c']], isDefault: false },
      { time: 3000, partitions: [['default']], isDefault: true },
      { time: 4000, partitions: [['d']], isDefault: false },
    ]);
    // A queue stream reports no input records (Spark's QueueInputDStream reports nothing).
    expect(records).toEqual([0, 0, 0, 0]);
  });

  it('gives an empty RDD without partitions when defaultRDD is null', async () => {
    const { ssc, clock } = manualContext();
    const out = collectBatches(ssc.queueStream<number>([], false, null));
    await ssc.start();
    await clock.advance(2000);
    expect(out.map((b) => b.partitions)).toEqual([[], []]);
  });
});
