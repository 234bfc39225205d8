import { DStreamError } from '../../errors.js';
import { registerPartitionReader, type PartitionSource } from '../../rdd/index.js';
import { systemClock } from '../../util/clock.js';
import { READ_UNCOMMITTED } from './client/load.js';
import { ConsumerCache, type ConsumerCacheSettings } from './consumer-cache.js';
import type { BadRecordPolicy } from './bad-records.js';
import type { ConsumerRecord } from './consumer-record.js';
import { RecordDecoder } from './decode-records.js';
import type { DeserializerName } from './deserializers.js';
import { retryWhileUnreachable } from './retry.js';
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

function fetchBytes(remaining: number, bytesPerRecord: number): number {
  const wanted = remaining * bytesPerRecord * 1.1;
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
  const decoded = await retryWhileUnreachable(
    source,
    `the records of ${topic}-${partition} from ${fromOffset} to ${untilOffset}`,
    () => fetchRange(source),
    notStopped,
  );
  return decoded.finish();
}

/** Fetches the records of `source`'s range, in offset order, into a decoder. */
async function fetchRange(source: KafkaRangeSource): Promise<RecordDecoder> {
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
    const records = new RecordDecoder(source);
    // Offsets as numbers (a range past 2^53 cannot be made): BigInt arithmetic per record
    // allocates, and this loop runs for every record of every batch.
    const until = untilOffset;
    let next = fromOffset;
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
                  fetchOffset: BigInt(next),
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
          throw fetchThrew(source, e, BigInt(at));
        });
      // No entry for the partition: nothing arrived within the fetch's wait.
      const part = response.responses[0]?.partitions[0];
      if (part && part.errorCode !== 0) throw fetchFailed(source, part.errorCode, BigInt(next));
      // Spark polls until its timeout for records that are not there; the partition's end says at
      // once that they never will be.
      // (Spark would read up to the end, then wait there: the end is where it would be stuck.)
      if (part && Number(part.highWatermark) < until) {
        throw missing(source, part.highWatermark, part.highWatermark);
      }
      const before = next;
      let fetchedBytes = 0;
      let fetchedRecords = 0;
      for (const batch of part?.records ?? []) {
        // `length` counts the batch from its epoch field on: 12 bytes short of its size.
        fetchedBytes += batch.length + 12;
        fetchedRecords += batch.records.length;
        const first = Number(batch.firstOffset);
        const batchEnd = first + batch.lastOffsetDelta + 1;
        const firstTimestamp = Number(batch.firstTimestamp);
        // A transaction's commit or abort marker takes an offset but is no record of the topic.
        const control = (batch.attributes & CONTROL_BATCH) !== 0;
        const batchRecords = control ? [] : batch.records;
        for (let i = 0; i < batchRecords.length; i++) {
          const r = batchRecords[i]!;
          const offset = first + r.offsetDelta;
          // A fetch returns whole record batches: skip what lies before the range or past it.
          if (offset < next || offset >= until) continue;
          if (offset !== next && !source.allowNonConsecutiveOffsets) {
            throw wrongRecord(source, BigInt(next), BigInt(offset));
          }
          records.add(offset, firstTimestamp + Number(r.timestampDelta), r.key, r.value, r.headers);
          next = offset + 1;
        }
        if (next < until && first <= next && next < batchEnd) {
          // Offsets the batch covers with no record: compacted away, or a transaction marker.
          if (!source.allowNonConsecutiveOffsets)
            throw wrongRecord(source, BigInt(next), BigInt(batchEnd));
          next = batchEnd < until ? batchEnd : until;
        }
      }
      if (fetchedRecords > 0) bytesPerRecord = fetchedBytes / fetchedRecords;
      if (next === before && systemClock.now() > deadline) {
        throw missing(source, BigInt(next), part?.highWatermark);
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
