import { DStreamError } from '../../../errors.js';
import type { DStream } from '../../../dstream/dstream.js';
import { InputDStream } from '../../../dstream/input.js';
import type { RDD } from '../../../rdd/index.js';
import { OffsetRange, type TopicPartition } from '../../../rdd/offset-range.js';
import {
  DirectRateLimit,
  defaultPerPartitionConfig,
  type PerPartitionConfig,
} from '../../../streaming/rate/direct-rate-limit.js';
import type { StreamingContext } from '../../../streaming/streaming-context.js';
import { Logger } from '../../../util/logging.js';
import type { Time } from '../../../util/time.js';
import { badRecordsMetadata } from '../bad-record-counts.js';
import type { ConsumerRecord } from '../consumer-record.js';
import { KafkaRDD, type KafkaReadSettings } from '../kafka-rdd.js';
import { readSettings } from '../read-settings.js';
import { CommitQueue, committedList, type OffsetCommitCallback } from './commit-queue.js';
import type { ConsumerStrategy } from './consumer-strategies.js';
import { DriverConsumer, type DriverConsumerSettings } from './driver-consumer.js';
import { driverSettings } from './driver-settings.js';
import { retryWhileUnreachable } from '../retry.js';
import type { StateChangelog } from '../../../streaming/scale-out-input.js';
import { openStateChangelog } from './state-changelog.js';
import { SCALE_OUT_KEY, ScaleOutMember } from './scale-out-member.js';
import { PartitionTracker } from './partition-tracker.js';
import { tpKey, tpOf } from './topic-partitions.js';

const log = new Logger('DirectKafkaInputDStream');

/**
 * How far a partition's batch stopped short of its end: `latestOffset − untilOffset` records were
 * in Kafka, not yet read, when the batch's ranges were fixed (the input metadata's `lag`).
 */
export interface KafkaPartitionLag {
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
  /** The partition's end offset when the batch's ranges were fixed. */
  readonly latestOffset: number;
  /** Records past the batch's `untilOffset` then: read by later batches. */
  readonly lag: number;
}

/** What a metadata checkpoint keeps: where the stream stands and the ranges of each batch. */
interface DirectPosition {
  readonly currentOffsets: [string, number][];
  readonly batches: [number, [string, number, number, number][]][];
}

/**
 * Spark's kafka-0-10 direct stream: no receiver. At each batch the driver asks Kafka for the
 * latest offsets of the stream's partitions, limits each partition's range by the rate settings
 * (`spark.streaming.kafka.maxRatePerPartition`, backpressure), and the batch's RDD is a
 * {@link KafkaRDD} with one partition per topic partition, read by the task threads themselves.
 * Offsets are committed to Kafka only when the application says so, with {@link commitAsync}.
 */
export class DirectKafkaInputDStream<K, V> extends InputDStream<ConsumerRecord<K, V>> {
  private driver: DriverConsumer | undefined;
  private stopping = new AbortController();
  private readonly partitions: PartitionTracker;
  private readonly batches = new Map<number, readonly OffsetRange[]>();
  /** The lag of each batch fixed in this run, until its input info reports it. */
  private readonly lags = new Map<number, readonly KafkaPartitionLag[]>();
  private readonly commitQueue = new CommitQueue();
  private readonly rateLimit: DirectRateLimit<string>;
  private readonly read: KafkaReadSettings;
  private readonly driverSettings: DriverConsumerSettings;
  /** Set with `spark.streaming.kafka.scaleOut`: processes of the group share its partitions. */
  private readonly scaleOut: boolean;
  private member: ScaleOutMember | undefined;

  constructor(
    ssc: StreamingContext,
    private readonly strategy: ConsumerStrategy<K, V>,
    perPartitionConfig?: KafkaPerPartitionConfig,
  ) {
    super(ssc);
    this.read = readSettings(strategy.kafkaParams, ssc.sparkContext.conf);
    this.driverSettings = driverSettings(strategy.kafkaParams);
    this.partitions = new PartitionTracker(strategy, this.read.groupId, () => this.member);
    this.scaleOut = ssc.conf.getBoolean(SCALE_OUT_KEY, false);
    if (this.scaleOut && strategy.subscription.kind === 'assign') {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `${SCALE_OUT_KEY} shares a consumer group's partitions among processes: use ConsumerStrategies.Subscribe or SubscribePattern (Assign reads fixed partitions and joins no group)`,
      );
    }
    this.rateLimit = new DirectRateLimit<string>(
      ssc.conf,
      ssc.batchDuration.milliseconds,
      perPartitionConfig ? byKey(perPartitionConfig) : defaultPerPartitionConfig(ssc.conf),
    );
  }

  /**
   * Where and how its batches are read (what `parseRecords` needs to write dead letters).
   * @internal
   */
  get readSettings(): KafkaReadSettings {
    return this.read;
  }

  override get displayName(): string {
    return `Kafka 0.10 direct stream [${this.inputStreamId}]`;
  }

  override async start(): Promise<void> {
    this.stopping = new AbortController();
    this.member = this.scaleOut
      ? new ScaleOutMember(
          this.ssc,
          () => (this.driver ? this.commitQueued(this.driver) : Promise.resolve()),
          () => this.afterRebalance(),
        )
      : undefined;
    const driver = await DriverConsumer.open(
      this.strategy.subscription,
      this.driverSettings,
      this.member?.hooks,
    );
    this.driver = driver;
    const assigned = await driver.assignment();
    if (this.member) this.forgetRestoredPositions();
    await this.partitions.serialized(() => this.partitions.takeAssignment(driver, assigned));
  }

  override async stop(): Promise<void> {
    const driver = this.driver;
    this.driver = undefined;
    this.stopping.abort();
    if (!driver) return;
    // What commitAsync queued in the last batches would otherwise wait for a batch that never comes.
    await this.commitQueued(driver);
    await driver.close();
  }

  /** Takes the latest offsets and fixes the batch's ranges; commits what `commitAsync` queued. */
  override async prepareBatch(time: Time): Promise<void> {
    // A batch restored from a checkpoint reads the ranges it had before.
    if (this.batches.has(time.milliseconds)) return;
    await this.partitions.serialized(() => this.fixRanges(time));
  }

  private async fixRanges(time: Time): Promise<void> {
    const driver = this.requireDriver();
    const member = this.member;
    const latest = await retryWhileUnreachable(
      this.read,
      `the latest offsets for ${time}`,
      async () => {
        const assigned = member
          ? await member.preparing(() => driver.assignment())
          : await driver.assignment();
        await this.partitions.takeAssignment(driver, assigned);
        return driver.latestOffsets(this.partitions.readable(driver));
      },
      this.stopping.signal,
    );
    // A rebalance that began meanwhile: this batch reads nothing the group may have moved.
    const readable = new Set(this.partitions.readable(driver));
    for (const key of latest.keys()) if (!readable.has(key)) latest.delete(key);
    const until = this.rateLimit.untilOffsets(this.partitions.offsets, latest);
    const ranges = [...until.keys()].sort(byTopicPartition).map((key) => {
      const { topic, partition } = tpOf(key);
      return OffsetRange.create(
        topic,
        partition,
        this.partitions.offsets.get(key)!,
        until.get(key)!,
      );
    });
    this.batches.set(time.milliseconds, ranges);
    this.lags.set(
      time.milliseconds,
      ranges.map(({ topic, partition, untilOffset }) => {
        const latestOffset = latest.get(tpKey(topic, partition)) ?? untilOffset;
        return { topic, partition, latestOffset, lag: Math.max(0, latestOffset - untilOffset) };
      }),
    );
    for (const [key, offset] of until) this.partitions.offsets.set(key, offset);
    await this.commitQueued(driver);
  }

  compute(time: Time): KafkaRDD<K, V> {
    const ranges = this.batches.get(time.milliseconds) ?? [];
    let numRecords = 0;
    for (const r of ranges) numRecords += r.count();
    // Known for batches fixed in this run, not for those a recovery read from a checkpoint.
    const lag = this.lags.get(time.milliseconds);
    this.lags.delete(time.milliseconds);
    this.ssc.inputInfoTracker.reportInfo(time, {
      inputStreamId: this.inputStreamId,
      numRecords,
      metadata: {
        offsets: ranges,
        Description: describe(ranges),
        ...(lag && { lag }),
        // What reads of the earlier batches left out (spark.streaming.kafka.badRecords).
        ...badRecordsMetadata(this.read.groupId),
      },
    });
    return new KafkaRDD<K, V>(this.ssc.sparkContext, ranges, this.read);
  }

  /**
   * As every stream's `foreachRDD`, typed with the RDDs this stream makes: `rdd.offsetRanges` are
   * the batch's ranges (Spark's cast to `HasOffsetRanges`, which only the stream's own RDDs pass).
   */
  override foreachRDD(f: (rdd: KafkaRDD<K, V>, time: Time) => void | Promise<unknown>): void {
    super.foreachRDD(f as (rdd: RDD<ConsumerRecord<K, V>>, time: Time) => void | Promise<unknown>);
  }

  /** As every stream's `transform`, typed with the RDDs this stream makes (see `foreachRDD`). */
  override transform<U>(f: (rdd: KafkaRDD<K, V>, time: Time) => RDD<U>): DStream<U> {
    return super.transform(f as (rdd: RDD<ConsumerRecord<K, V>>, time: Time) => RDD<U>);
  }

  /**
   * Queues the offsets of `offsetRanges` to be committed to Kafka for the stream's group at the
   * next batch, as Spark's `CanCommitOffsets.commitAsync`: per partition the largest
   * `untilOffset` queued; `callback` (the last one given) hears how the commit went. Call it once
   * the batch's outputs have succeeded.
   */
  commitAsync(offsetRanges: readonly OffsetRange[], callback?: OffsetCommitCallback): void {
    this.commitQueue.add(offsetRanges, callback);
  }

  override clearMetadata(time: Time): void {
    super.clearMetadata(time);
    const horizon = time.minus(this.rememberDuration ?? this.slideDuration).milliseconds;
    for (const t of this.batches.keys()) if (t <= horizon) this.batches.delete(t);
  }

  override updateRateLimit(recordsPerSecond: number): void {
    this.rateLimit.updateRate(recordsPerSecond);
  }

  // ------------------------------------------------------------ state that moves (ScaleOutInput)

  /** With scale-out, stateful operators downstream keep their state in changelogs. @internal */
  get scaleOutInput(): boolean {
    return this.scaleOut;
  }

  /** The ranges of batch `time`: one per partition this process owned. @internal */
  scaleOutRanges(time: Time): readonly OffsetRange[] {
    return this.batches.get(time.milliseconds) ?? [];
  }

  /** A stateful operator's changelog topic (see state-changelog.ts). @internal */
  openStateChangelog(name: string, numPartitions: number): Promise<StateChangelog> {
    return openStateChangelog(this.strategy.subscription, name, numPartitions, this.read, () =>
      this.requireDriver(),
    );
  }

  // ------------------------------------------------------------ checkpoints

  override checkpointPosition(): DirectPosition {
    return {
      currentOffsets: [...this.partitions.offsets],
      batches: [...this.batches].map(([t, ranges]) => [
        t,
        ranges.map((r) => [r.topic, r.partition, r.fromOffset, r.untilOffset]),
      ]),
    };
  }

  /** The checkpointed offsets override starting offsets given to the strategy, as in Spark. */
  override restorePosition(position: unknown): void {
    const p = position as DirectPosition;
    this.partitions.offsets = new Map(p.currentOffsets);
    for (const [t, ranges] of p.batches) {
      const restored = ranges.map(([topic, partition, from, until]) =>
        OffsetRange.create(topic, partition, from, until),
      );
      log.info(`Restoring KafkaRDD for time ${t} ms [${restored.join(', ')}]`);
      this.batches.set(t, restored);
    }
  }

  override recordsBatch(position: unknown, time: Time): boolean {
    return (position as DirectPosition).batches.some(([t]) => t === time.milliseconds);
  }

  // ------------------------------------------------------------ partitions

  private requireDriver(): DriverConsumer {
    if (!this.driver) {
      throw new DStreamError(
        'DSTREAM_ERR_NOT_INITIALIZED',
        `${this.displayName} has no consumer: start the streaming context first`,
      );
    }
    return this.driver;
  }

  /** After a rebalance: takes the new assignment at once, not at the next batch. */
  private afterRebalance(): void {
    const driver = this.driver;
    if (!driver) return;
    this.partitions
      .serialized(() => this.partitions.takeAssignment(driver, driver.currentAssignment()))
      .catch((e: unknown) =>
        log.warn('Taking the partitions the group assigned failed; the next batch tries again', e),
      );
  }

  /**
   * With scale-out, what a checkpoint says of the partitions is stale: other processes may have
   * read them since. The batches it left pending read nothing, and every partition starts where
   * the rebalance listener (or the group's committed offsets) says, as at a takeover.
   */
  private forgetRestoredPositions(): void {
    for (const t of this.batches.keys()) this.batches.set(t, []);
    this.partitions.offsets.clear();
  }

  private async commitQueued(driver: DriverConsumer): Promise<void> {
    const taken = this.commitQueue.take();
    if (!taken) return;
    const offsets = committedList(taken.offsets);
    try {
      await driver.commit(taken.offsets);
      taken.callback?.(offsets, undefined);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      this.commitQueue.restore(taken.offsets);
      log.warn(
        `Committing offsets ${offsets.map((o) => `${o.topic}-${o.partition}=${o.offset}`).join(', ')} failed; the next batch commits them again`,
        error,
      );
      taken.callback?.(offsets, error);
    }
  }
}

function byTopicPartition(a: string, b: string): number {
  const x = tpOf(a);
  const y = tpOf(b);
  return x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : x.partition - y.partition;
}

/** The batch's non-empty ranges, largest first, as Spark's input info `Description`. */
function describe(ranges: readonly OffsetRange[]): string {
  return ranges
    .filter((r) => r.count() > 0)
    .sort((a, b) => b.count() - a.count())
    .map(
      (r) =>
        `topic: ${r.topic}\tpartition: ${r.partition}\toffsets: ${r.fromOffset} to ${r.untilOffset}\tcount: ${r.count()}`,
    )
    .join('\n');
}

/**
 * Rates per topic partition, as Spark's `PerPartitionConfig`: records per second a partition may
 * bring (0: no limit), and the fewest records per batch a limit leaves it (1 unless given).
 */
export interface KafkaPerPartitionConfig {
  /** The most records per second to read from the partition, as Spark's `maxRatePerPartition`. */
  maxRatePerPartition(topicPartition: TopicPartition): number;
  /**
   * The fewest records per second backpressure may lower the partition to (default 1), as Spark's `minRatePerPartition`.
   */
  minRatePerPartition?(topicPartition: TopicPartition): number;
}

function byKey(config: KafkaPerPartitionConfig): PerPartitionConfig<string> {
  return {
    maxRatePerPartition: (key) => config.maxRatePerPartition(tpOf(key)),
    minRatePerPartition: (key) => config.minRatePerPartition?.(tpOf(key)) ?? 1,
  };
}
