// Partition sources: partitions described as data, read by whichever thread runs the task, through
// a reader registered for their kind — synchronously (text files) or asynchronously (a fetch). A
// task whose records are on their way runs again once they have arrived. The same sources read by
// task threads themselves are tested in parallel-execution.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DStreamError,
  registerPartitionReader,
  Seconds,
  SourceRDD,
  SparkContext,
  type PartitionSource,
} from 'dstream';
import { runBatches } from 'dstream/testing';

/** Words that arrive a few event-loop turns after they are asked for, as a broker's answer. */
interface DelayedWords extends PartitionSource {
  readonly kind: 'test.delayedWords';
  readonly words: readonly string[];
}

const reads: string[] = [];
registerPartitionReader<DelayedWords, string>({
  kind: 'test.delayedWords',
  async read({ words }) {
    reads.push(words.join(' '));
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    return words;
  },
});

/** One partition per array of words, each read asynchronously. */
class DelayedWordsRDD extends SourceRDD<string> {
  constructor(
    sc: SparkContext,
    private readonly partitions: readonly (readonly string[])[],
  ) {
    super(sc);
  }

  get numPartitions(): number {
    return this.partitions.length;
  }

  protected get kind(): string {
    return 'delayed words';
  }

  partitionSource(split: number): DelayedWords {
    return { kind: 'test.delayedWords', words: this.partitions[split]! };
  }
}

let sc: SparkContext;
beforeAll(() => {
  sc = new SparkContext({ master: 'local[2]', appName: 'partition-sources' });
  reads.length = 0;
});
afterAll(async () => {
  await sc.stop();
});

describe('partition sources', () => {
  it('an action waits for partitions that arrive asynchronously, reading each once', async () => {
    reads.length = 0;
    const rdd = new DelayedWordsRDD(sc, [['a', 'b'], [], ['c']]);
    expect(await rdd.collect()).toEqual(['a', 'b', 'c']);
    expect(reads).toEqual(['a b', '', 'c']);
  });

  it('a shuffle reads its map side asynchronously, and a task reading one source twice ends', async () => {
    reads.length = 0;
    const rdd = new DelayedWordsRDD(sc, [['a', 'b', 'a'], ['b']]);
    const counts = await rdd
      .union(rdd)
      .map((w) => [w, 1] as const)
      .reduceByKey((a, b) => a + b, 1)
      .collect();
    expect(new Map(counts)).toEqual(
      new Map([
        ['a', 4],
        ['b', 4],
      ]),
    );
    expect(reads.sort()).toEqual(['a b a', 'a b a', 'b', 'b']);
  });

  it('a failed read fails the action with the reader’s error', async () => {
    interface Broken extends PartitionSource {
      readonly kind: 'test.broken';
    }
    registerPartitionReader<Broken, never>({
      kind: 'test.broken',
      read: () => Promise.reject(new Error('broker unreachable')),
    });
    class BrokenRDD extends SourceRDD<never> {
      get numPartitions(): number {
        return 1;
      }
      protected get kind(): string {
        return 'broken';
      }
      partitionSource(): Broken {
        return { kind: 'test.broken' };
      }
    }
    await expect(new BrokenRDD(sc).count()).rejects.toThrow('broker unreachable');
  });

  it('a kind nobody registered is a clear error', async () => {
    class UnknownRDD extends SourceRDD<string> {
      get numPartitions(): number {
        return 1;
      }
      protected get kind(): string {
        return 'unknown';
      }
      partitionSource(): PartitionSource {
        return { kind: 'test.nobodyRegisteredThis' };
      }
    }
    const error = await new UnknownRDD(sc).collect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DStreamError);
    expect((error as DStreamError).code).toBe('DSTREAM_ERR_UNKNOWN_PARTITION_SOURCE');
    expect((error as DStreamError).message).toContain("kind 'test.nobodyRegisteredThis'");
  });

  it('a reader that keeps connections between reads closes them when a context stops', async () => {
    let closed = 0;
    registerPartitionReader<PartitionSource, string>({
      kind: 'test.keepsConnections',
      read: () => [],
      close: async () => void closed++,
    });
    const other = new SparkContext({ master: 'local[1]', appName: 'closes-readers' });
    expect(closed).toBe(0);
    await other.stop();
    expect(closed).toBe(1);
    await other.stop(); // stopped once
    expect(closed).toBe(1);
  });

  it('a kind registered twice by different readers is refused', () => {
    const reader = { kind: 'test.twice', read: () => [] };
    registerPartitionReader(reader);
    expect(() => registerPartitionReader(reader)).not.toThrow();
    expect(() => registerPartitionReader({ kind: 'test.twice', read: () => [] })).toThrow(
      "A partition reader of kind 'test.twice' is already registered",
    );
  });

  it('a stream whose input batches arrive asynchronously counts words batch by batch', async () => {
    const out = await runBatches({
      inputs: [],
      numBatches: 3,
      batchDuration: Seconds(1),
      build: (ssc) =>
        ssc
          .queueStream([
            new DelayedWordsRDD(ssc.sparkContext, [['x', 'y'], ['x']]),
            new DelayedWordsRDD(ssc.sparkContext, [['z']]),
          ])
          .map((w) => [w, 1] as const)
          .reduceByKey((a, b) => a + b),
    });
    expect(out.map((batch) => new Map(batch))).toEqual([
      new Map([
        ['x', 2],
        ['y', 1],
      ]),
      new Map([['z', 1]]),
      new Map(),
    ]);
  });
});
