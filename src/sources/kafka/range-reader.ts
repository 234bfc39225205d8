import { DStreamError } from '../../errors.js';
import { registerPartitionReader, type PartitionSource } from '../../rdd/index.js';
import { systemClock } from '../../util/clock.js';
import { READ_UNCOMMITTED } from './client/load.js';
import { ConsumerCache, type ConsumerCacheSettings } from './consumer-cache.js';
import type { BadRecordPolicy } from './bad-records.js';
import type { ConsumerRecord } from './consumer-record.js';
import { decodeRecords, type RawRecord } from './decode-records.js';
import type { DeserializerName } from './deserializers.js';
import { retryWhileUnreachable } from './direct/retry.js';
import { fetchFailed, fetchThrew } from './fetch-errors.js';

/**
 * One offset range of a Kafka partition, as data: whichever thread runs the task fetches it from
 * the broker itself (Spark's KafkaRDD partition, read on its executor), so records never cross
 * from the driver's heap into a task thread.
 */
export interface KafkaRangeSource extends PartitionSource {
  readonly kind: 'kafkaRange';
  readonly bootstrap: readonly string[];
  /** The group the stream consumes for (Spark reads with `spark-executor-<group.id>`). */
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly fromOffset: number;
  readonly untilOffset: number;
  readonly key: DeserializerName;
  readonly value: DeserializerName;
  /** `spark.streaming.kafka.consumer.poll.ms`: how long to wait for records the range must hold. */
  readonly pollTimeoutMs: number;
  readonly consumerCache: ConsumerCacheSettings;
  /**
   * `spark.streaming.kafka.allowNonConsecutiveOffsets`: offsets without a record (a compacted
   * topic, a transactional producer's markers) are skipped rather than an error.
   */
  readonly allowNonConsecutiveOffsets: boolean;
  /** `spark.streaming.kafka.badRecords`: what to do with a record that cannot be deserialized. */
  readonly badRecords: BadRecordPolicy;
  readonly deadLetterTopic?: string;
}

/** Kafka's record-batch attribute bit of a control batch (transaction markers). */
const CONTROL_BATCH = 1 << 5;

/**
 * Bytes asked of the broker per fetch: about what the rest of the range holds, by the size of the
 * records read so far. The client decodes all it gets, so a fetch of 8 MiB for a range of 1,000
 * small records cost 80-120 ms against 5 ms sized to fit (measured on a 100,000-record
 * partition); the broker returns at least one whole record batch whatever the size.
 */
const FETCH_MIN_BYTES = 64 << 10;
const FETCH_MAX_BYTES = 8 << 20;
/** What a record is assumed to take before any is read (Kafka's per-record overhead included). */
const FIRST_GUESS_BYTES_PER_RECORD = 100;

function fetchBytes(remaining: bigint, bytesPerRecord: number): number {
  const wanted = Number(remaining) * bytesPerRecord * 1.1;
  return Math.ceil(Math.min(Math.max(wanted, FETCH_MIN_BYTES), FETCH_MAX_BYTES));
}

/** This thread's consumers, kept between reads (closed when a context stops here). */
const consumers = new ConsumerCache();

/** A task's read is never stopped half way: the context waits for its tasks. */
const notStopped = new AbortController().signal;

/**
 * Fetches the records of `source`'s range, in offset order, and deserializes them under the
 * bad-record policy. A broker that goes away meanwhile (a restart) is waited for, up to the poll
 * timeout: the range is fetched again from its start.
 */
export async function readOffsetRange(
  source: KafkaRangeSource,
): Promise<ConsumerRecord<unknown, unknown>[]> {
  const { topic, partition, fromOffset, untilOffset } = source;
  if (fromOffset > untilOffset) {
    throw new DStreamError(
      'DSTREAM_ERR_KAFKA_OFFSETS',
      `Beginning offset ${fromOffset} is after the ending offset ${untilOffset} for topic ${topic} partition ${partition}. You either provided an invalid fromOffset, or the Kafka topic has been damaged`,
    );
  }
  if (fromOffset === untilOffset) return [];
  const raw = await retryWhileUnreachable(
    source,
    `the records of ${topic}-${partition} from ${fromOffset} to ${untilOffset}`,
    () => fetchRange(source),
    notStopped,
  );
  return decodeRecords(source, raw);
}

/** Fetches the records of `source`'s range as bytes, in offset order. */
async function fetchRange(source: KafkaRangeSource): Promise<RawRecord[]> {
  const { topic, partition, fromOffset, untilOffset } = source;
  const lent = await consumers.acquire(source, source.consumerCache);
  const consumer = lent.consumer;
  let ok = false;
  try {
    const metadata = await consumer.metadata({ topics: [topic] });
    const t = metadata.topics.get(topic);
    const leader = t?.partitions[partition]?.leader;
    if (t === undefined || leader === undefined) {
      throw new DStreamError(
        'DSTREAM_ERR_KAFKA_TOPIC',
        `Topic '${topic}' has no partition ${partition} at ${source.bootstrap.join(',')}`,
      );
    }
    // Spark polls until its timeout for records that are not there; the end of the partition says
    // at once that they never will be.
    const ends = await consumer.listOffsets({
      topics: [topic],
      partitions: { [topic]: [partition] },
      isolationLevel: READ_UNCOMMITTED,
    });
    const end = ends.get(topic)?.[partition];
    if (end !== undefined && end < BigInt(untilOffset)) throw missing(source, end, end);
    const records: RawRecord[] = [];
    const until = BigInt(untilOffset);
    let next = BigInt(fromOffset);
    let bytesPerRecord = FIRST_GUESS_BYTES_PER_RECORD;
    // A network wait, in real time whatever clock drives the batches.
    const deadline = systemClock.now() + source.pollTimeoutMs;
    while (next < until) {
      const maxBytes = fetchBytes(until - next, bytesPerRecord);
      const at = next;
      const response = await consumer
        .fetch({
          node: leader,
          topics: [
            {
              topicId: t.id,
              partitions: [
                {
                  partition,
                  fetchOffset: next,
                  partitionMaxBytes: maxBytes,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                },
              ],
            },
          ],
          maxWaitTime: 100,
          minBytes: 1,
          maxBytes,
          isolationLevel: READ_UNCOMMITTED,
        })
        .catch((e: unknown) => {
          throw fetchThrew(source, e, at);
        });
      // No entry for the partition: nothing arrived within the fetch's wait.
      const part = response.responses[0]?.partitions[0];
      if (part && part.errorCode !== 0) throw fetchFailed(source, part.errorCode, next);
      const before = next;
      let fetchedBytes = 0;
      let fetchedRecords = 0;
      for (const batch of part?.records ?? []) {
        // `length` counts the batch from its epoch field on: 12 bytes short of its size.
        fetchedBytes += batch.length + 12;
        fetchedRecords += batch.records.length;
        const batchEnd = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
        // A transaction's commit or abort marker takes an offset but is no record of the topic.
        const control = (batch.attributes & CONTROL_BATCH) !== 0;
        for (const r of control ? [] : batch.records) {
          const offset = batch.firstOffset + BigInt(r.offsetDelta);
          // A fetch returns whole record batches: skip what lies before the range or past it.
          if (offset < next || offset >= until) continue;
          if (offset !== next && !source.allowNonConsecutiveOffsets)
            throw wrongRecord(source, next, offset);
          records.push({
            offset: Number(offset),
            timestamp: Number(batch.firstTimestamp + r.timestampDelta),
            key: r.key,
            value: r.value,
            headers: r.headers,
          });
          next = offset + 1n;
        }
        if (next < until && batch.firstOffset <= next && next < batchEnd) {
          // Offsets the batch covers with no record: compacted away, or a transaction marker.
          if (!source.allowNonConsecutiveOffsets) throw wrongRecord(source, next, batchEnd);
          next = batchEnd < until ? batchEnd : until;
        }
      }
      if (fetchedRecords > 0) bytesPerRecord = fetchedBytes / fetchedRecords;
      if (next === before && systemClock.now() > deadline) {
        throw missing(source, next, part?.highWatermark);
      }
    }
    ok = true;
    return records;
  } finally {
    await lent.release(ok);
  }
}

function wrongRecord(source: KafkaRangeSource, expected: bigint, got: bigint): DStreamError {
  return new DStreamError(
    'DSTREAM_ERR_KAFKA_OFFSETS',
    `Got wrong record for spark-executor-${source.groupId} ${source.topic}-${source.partition} even after seeking to offset ${expected} got offset ${got} instead. If this is a compacted topic, consider enabling spark.streaming.kafka.allowNonConsecutiveOffsets`,
  );
}

function missing(source: KafkaRangeSource, at: bigint, end: bigint | undefined): DStreamError {
  const { topic, partition } = source;
  return new DStreamError(
    'DSTREAM_ERR_KAFKA_OFFSETS',
    `Failed to get records for spark-executor-${source.groupId} ${topic}-${partition} ${at} after polling for ${source.pollTimeoutMs} (the partition ends at offset ${end ?? 'unknown'}, the range at ${source.untilOffset}): the range asks for records the topic does not hold (offsets of another topic, or a partition recreated)`,
  );
}

registerPartitionReader<KafkaRangeSource, ConsumerRecord<unknown, unknown>>({
  kind: 'kafkaRange',
  read: readOffsetRange,
  close: () => consumers.closeAll(),
});
