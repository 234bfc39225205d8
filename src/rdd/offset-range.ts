// The positions a batch consumed from a partitioned log, as Spark's kafka `OffsetRange` and
// `HasOffsetRanges`. They live in the RDD layer, below sources and sinks alike: a source's RDDs
// carry them, and a transactional sink stores them in the same transaction as the batch's results,
// so that a restarted application resumes from the offsets its results were computed from.
import { DStreamError } from '../errors.js';

/** A topic partition, as Kafka's `TopicPartition`. */
export interface TopicPartition {
  /** The topic's name. */
  readonly topic: string;
  /** The partition's number within the topic. */
  readonly partition: number;
}

/**
 * The offsets `[fromOffset, untilOffset)` of one partition of a topic, as Spark's `OffsetRange`.
 * Offsets are numbers: an offset past `Number.MAX_SAFE_INTEGER` (2^53 − 1) is an error.
 *
 * @example
 * ```ts
 * import { OffsetRange } from 'dstream';
 * const range = OffsetRange.create('orders', 0, 100, 150);
 * range.count(); // 50
 * String(range); // "OffsetRange(topic: 'orders', partition: 0, range: [100 -> 150])"
 * ```
 */
export class OffsetRange implements TopicPartition {
  private constructor(
    /** The topic's name. */
    readonly topic: string,
    /** The partition's number within the topic. */
    readonly partition: number,
    /** The first offset of the range (inclusive). */
    readonly fromOffset: number,
    /** The offset after the last one of the range (exclusive). */
    readonly untilOffset: number,
  ) {
    Object.freeze(this);
  }

  /** A range of `topic`'s partition `partition` (or of a `TopicPartition`), checked. */
  static create(
    topic: string,
    partition: number,
    fromOffset: number,
    untilOffset: number,
  ): OffsetRange;
  static create(
    topicPartition: TopicPartition,
    fromOffset: number,
    untilOffset: number,
  ): OffsetRange;
  static create(
    topicOrPartition: string | TopicPartition,
    a: number,
    b: number,
    c?: number,
  ): OffsetRange {
    const [topic, partition, from, until] =
      typeof topicOrPartition === 'string'
        ? [topicOrPartition, a, b, c!]
        : [topicOrPartition.topic, topicOrPartition.partition, a, b];
    checkInteger('partition', partition);
    checkInteger('fromOffset', from);
    checkInteger('untilOffset', until);
    if (until < from) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `requirement failed: untilOffset ${until} is before fromOffset ${from} for ${topic}-${partition}`,
      );
    }
    return new OffsetRange(topic, partition, from, until);
  }

  /** How many offsets the range covers (`untilOffset − fromOffset`). */
  count(): number {
    return this.untilOffset - this.fromOffset;
  }

  /** The topic and partition of the range, as Spark's `topicPartition()`. */
  topicPartition(): TopicPartition {
    return { topic: this.topic, partition: this.partition };
  }

  /** Equal topic, partition and offsets. */
  equals(other: OffsetRange): boolean {
    return (
      this.topic === other.topic &&
      this.partition === other.partition &&
      this.fromOffset === other.fromOffset &&
      this.untilOffset === other.untilOffset
    );
  }

  toString(): string {
    return `OffsetRange(topic: '${this.topic}', partition: ${this.partition}, range: [${this.fromOffset} -> ${this.untilOffset}])`;
  }
}

/**
 * An RDD that knows the offsets it was read from, one range per partition (partition i reads
 * `offsetRanges[i]`), as Spark's `HasOffsetRanges`: the RDDs a direct stream hands to its first
 * operation.
 */
export interface HasOffsetRanges {
  /** The offsets each partition of the RDD was read from: `offsetRanges[i]` is partition i's. */
  readonly offsetRanges: readonly OffsetRange[];
}

/**
 * Whether `rdd` knows its offset ranges: the RDDs of a direct stream do, any RDD derived from
 * them (a `map`, a shuffle, a window) does not, as in Spark.
 */
export function hasOffsetRanges<T extends object>(rdd: T): rdd is T & HasOffsetRanges {
  const ranges = (rdd as Partial<HasOffsetRanges>).offsetRanges;
  return Array.isArray(ranges) && ranges.every((r) => r instanceof OffsetRange);
}

function checkInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `${name} must be a non-negative integer up to ${Number.MAX_SAFE_INTEGER} (offsets past 2^53 are not supported), got ${value}`,
    );
  }
}
