import type { ChangelogRecord, StateChangelog } from '../../../streaming/scale-out-input.js';
import { onNextContextStop } from '../../../rdd/stop-hooks.js';
import { DStreamError } from '../../../errors.js';
import { describeTopics, ensureCompactedTopic } from '../client/admin.js';
import { clientOptions, loadKafka } from '../client/load.js';
import type { KafkaReadSettings } from '../kafka-rdd.js';
import { readOffsetRange } from '../range-reader.js';
import type { Subscription } from './consumer-strategies.js';
import type { DriverConsumer } from './driver-consumer.js';
import { tpKey } from './topic-partitions.js';

/** What the changelog uses of the library's producer, with Buffer keys and values. */
interface Producer {
  send(options: {
    messages: { topic: string; partition: number; key: Buffer; value: Buffer }[];
  }): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * A state's changelog topic, read and written by the process's driver: written after each batch's
 * state is computed (before its outputs run), read from its start when a partition is taken over.
 */
export class KafkaStateChangelog implements StateChangelog {
  private producer: Promise<Producer> | undefined;

  private constructor(
    readonly topic: string,
    private readonly read: KafkaReadSettings,
    private readonly driver: () => DriverConsumer,
  ) {}

  /** The changelog `topic`, created compacted with `partitions` partitions if missing. */
  static async open(
    topic: string,
    partitions: number,
    read: KafkaReadSettings,
    driver: () => DriverConsumer,
  ): Promise<KafkaStateChangelog> {
    await ensureCompactedTopic([...read.bootstrap], topic, partitions);
    return new KafkaStateChangelog(topic, read, driver);
  }

  async append(partition: number, records: readonly ChangelogRecord[]): Promise<void> {
    if (records.length === 0) return;
    const producer = await this.openProducer();
    // Requests of about half the broker's 1 MiB message.max.bytes.
    let from = 0;
    while (from < records.length) {
      let bytes = 0;
      let to = from;
      while (to < records.length && (to === from || bytes < REQUEST_BYTES)) {
        const r = records[to++]!;
        bytes += r.key.length + r.value.length + RECORD_OVERHEAD;
      }
      await producer.send({
        messages: records
          .slice(from, to)
          .map(({ key, value }) => ({ topic: this.topic, partition, key, value })),
      });
      from = to;
    }
  }

  async readAll(partition: number): Promise<ChangelogRecord[]> {
    const key = tpKey(this.topic, partition);
    const driver = this.driver();
    const [earliest, latest] = await Promise.all([
      driver.earliestOffsets([key]),
      driver.latestOffsets([key]),
    ]);
    const records = await readOffsetRange({
      kind: 'kafkaRange',
      bootstrap: this.read.bootstrap,
      groupId: this.read.groupId,
      topic: this.topic,
      partition,
      fromOffset: earliest.get(key) ?? 0,
      untilOffset: latest.get(key) ?? 0,
      key: 'buffer',
      value: 'buffer',
      pollTimeoutMs: this.read.pollTimeoutMs,
      consumerCache: this.read.consumerCache,
      // Compaction leaves offsets without a record.
      allowNonConsecutiveOffsets: true,
      badRecords: 'fail',
    });
    const out: ChangelogRecord[] = [];
    for (const r of records) {
      if (Buffer.isBuffer(r.key) && Buffer.isBuffer(r.value))
        out.push({ key: r.key, value: r.value });
    }
    return out;
  }

  private openProducer(): Promise<Producer> {
    this.producer ??= loadKafka().then(({ Producer, ProduceAcks }) => {
      const producer = new Producer({
        ...clientOptions([...this.read.bootstrap], 'dstream-state-changelog'),
        acks: ProduceAcks.ALL,
        // A batch retried after a lost answer is not written twice.
        idempotent: true,
      });
      onNextContextStop(async () => {
        this.producer = undefined;
        await producer.close();
      });
      return producer;
    });
    return this.producer;
  }
}

/**
 * The changelog `name` of a state kept per partition of the stream's topic: the stream must read
 * one topic (Subscribe) of `numPartitions` partitions, the state's KafkaPartitioner's count.
 */
export async function openStateChangelog(
  subscription: Subscription,
  name: string,
  numPartitions: number,
  read: KafkaReadSettings,
  driver: () => DriverConsumer,
): Promise<StateChangelog> {
  const topic = subscription.kind === 'subscribe' ? subscription.topics : [];
  if (topic.length !== 1) {
    throw new DStreamError(
      'DSTREAM_ERR_STATE_NOT_COPARTITIONED',
      `State kept per Kafka partition with spark.streaming.kafka.scaleOut needs a stream of one topic (ConsumerStrategies.Subscribe of one topic): its state partition p is that topic's partition p`,
    );
  }
  const [described] = await describeTopics([...read.bootstrap], [topic[0]!]);
  const count = described?.partitions.length ?? 0;
  if (count !== numPartitions) {
    throw new DStreamError(
      'DSTREAM_ERR_STATE_NOT_COPARTITIONED',
      `The state's KafkaPartitioner has ${numPartitions} partitions but topic '${topic[0]}' has ${count}: give the stateful operator new KafkaPartitioner(${count})`,
    );
  }
  return KafkaStateChangelog.open(name, numPartitions, read, driver);
}

const REQUEST_BYTES = 512 << 10;
const RECORD_OVERHEAD = 24;
