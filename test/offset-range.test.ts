// OffsetRange and HasOffsetRanges, as Spark's kafka-0-10 module defines them: the positions a batch
// consumed, which sources attach to their RDDs and transactional sinks store with the results.
import { afterAll, describe, expect, it } from 'vitest';
import {
  DStreamError,
  OffsetRange,
  SparkContext,
  SourceRDD,
  hasOffsetRanges,
  type HasOffsetRanges,
  type PartitionSource,
} from 'dstream';

const sc = new SparkContext({ master: 'local[1]', appName: 'offset-range' });
afterAll(() => sc.stop());

describe('OffsetRange', () => {
  it('covers [fromOffset, untilOffset) and prints as Spark prints it', () => {
    const range = OffsetRange.create('orders', 2, 100, 150);
    expect(range.count()).toBe(50);
    expect(range.topicPartition()).toEqual({ topic: 'orders', partition: 2 });
    expect(String(range)).toBe("OffsetRange(topic: 'orders', partition: 2, range: [100 -> 150])");
    expect(Object.isFrozen(range)).toBe(true);
  });

  it('is created from a topic partition too, and equal ranges are equal', () => {
    const a = OffsetRange.create({ topic: 'orders', partition: 0 }, 5, 5);
    expect(a.count()).toBe(0);
    expect(a.equals(OffsetRange.create('orders', 0, 5, 5))).toBe(true);
    expect(a.equals(OffsetRange.create('orders', 1, 5, 5))).toBe(false);
  });

  it.each([
    ['a negative offset', () => OffsetRange.create('t', 0, -1, 3), 'fromOffset must be'],
    ['an offset past 2^53', () => OffsetRange.create('t', 0, 0, 2 ** 53), 'past 2^53'],
    ['a fractional partition', () => OffsetRange.create('t', 0.5, 0, 1), 'partition must be'],
    ['until before from', () => OffsetRange.create('t', 0, 9, 3), 'untilOffset 3 is before'],
  ])('refuses %s', (_name, create, message) => {
    expect(create).toThrow(DStreamError);
    expect(create).toThrow(message);
  });
});

describe('hasOffsetRanges', () => {
  interface Range extends PartitionSource {
    readonly kind: 'test.range';
  }
  class RangeRDD extends SourceRDD<number> implements HasOffsetRanges {
    readonly offsetRanges = [OffsetRange.create('t', 0, 0, 2), OffsetRange.create('t', 1, 7, 9)];
    get numPartitions(): number {
      return 2;
    }
    protected get kind(): string {
      return 'ranges';
    }
    partitionSource(): Range {
      return { kind: 'test.range' };
    }
  }

  it("is true of a source's own RDD and false of what is derived from it", () => {
    const rdd = new RangeRDD(sc);
    expect(hasOffsetRanges(rdd)).toBe(true);
    if (hasOffsetRanges(rdd)) expect(rdd.offsetRanges.map((r) => r.count())).toEqual([2, 2]);
    expect(hasOffsetRanges(rdd.map((x) => x + 1))).toBe(false);
    expect(hasOffsetRanges(sc.parallelize([1]))).toBe(false);
  });
});
