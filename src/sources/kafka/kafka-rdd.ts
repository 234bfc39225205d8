import type { SparkContext } from '../../rdd/index.js';
import { SourceRDD } from '../../rdd/narrow/source-rdd.js';
import type { HasOffsetRanges, OffsetRange } from '../../rdd/offset-range.js';
import type { BadRecordPolicy } from './bad-records.js';
import type { ConsumerCacheSettings } from './consumer-cache.js';
import type { ConsumerRecord } from './consumer-record.js';
import type { DeserializerName } from './deserializers.js';
import type { KafkaRangeSource } from './range-reader.js';

/** What every partition of a Kafka RDD shares: where to read and how to deserialize. */
export interface KafkaReadSettings {
  readonly bootstrap: readonly string[];
  readonly groupId: string;
  readonly key: DeserializerName;
  readonly value: DeserializerName;
  readonly pollTimeoutMs: number;
  readonly badRecords: BadRecordPolicy;
  readonly deadLetterTopic?: string;
  readonly consumerCache: ConsumerCacheSettings;
  readonly allowNonConsecutiveOffsets: boolean;
}

/**
 * The records of given offset ranges, one partition per range, as Spark's KafkaRDD: partition i
 * holds `offsetRanges[i]`, read by whichever thread runs its task (an empty range reads nothing).
 */
export class KafkaRDD<K, V> extends SourceRDD<ConsumerRecord<K, V>> implements HasOffsetRanges {
  constructor(
    sc: SparkContext,
    readonly offsetRanges: readonly OffsetRange[],
    private readonly settings: KafkaReadSettings,
  ) {
    super(sc);
  }

  /**
   * Where and how its partitions are read (what `parseRecords` needs to write dead letters).
   * @internal
   */
  get readSettings(): KafkaReadSettings {
    return this.settings;
  }

  get numPartitions(): number {
    return this.offsetRanges.length;
  }

  /**
   * Answered from the offsets, without reading the records, as Spark's KafkaRDD does (unless
   * offsets may have no record: `spark.streaming.kafka.allowNonConsecutiveOffsets`, or bad records
   * may be left out: `spark.streaming.kafka.badRecords` skip or deadLetter).
   */
  override count(): Promise<number> {
    if (this.offsetsMayOvercount()) return super.count();
    let n = 0;
    for (const r of this.offsetRanges) n += r.count();
    return Promise.resolve(n);
  }

  /** Answered from the offsets, without reading the records. */
  override isEmpty(): Promise<boolean> {
    if (this.offsetsMayOvercount()) return super.isEmpty();
    return Promise.resolve(this.offsetRanges.every((r) => r.count() === 0));
  }

  /** Whether its offsets may hold fewer records than they count. */
  private offsetsMayOvercount(): boolean {
    return this.settings.allowNonConsecutiveOffsets || this.settings.badRecords !== 'fail';
  }

  protected get kind(): string {
    return 'KafkaRDD';
  }

  partitionSource(split: number): KafkaRangeSource {
    const r = this.offsetRanges[split]!;
    return {
      kind: 'kafkaRange',
      ...this.settings,
      topic: r.topic,
      partition: r.partition,
      fromOffset: r.fromOffset,
      untilOffset: r.untilOffset,
    };
  }
}
